// TLS plumbing for listeners and clients (Boost.Asio SSL over OpenSSL): building contexts from
// PEM files and reading the peer's certificate. Certificate parsing for identity stays in pki/;
// this hands out DER only.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "http/router.hpp"

namespace boost::asio::ssl {
class context;
}
struct ssl_st;
struct evp_pkey_st;

namespace tanda::http {

struct TlsServerFiles {
    std::string certificate;  // PEM: the server certificate, then any intermediates
    std::string key;          // PEM private key, unencrypted
    std::string client_ca;    // PEM bundle the client certificates must chain to; empty: none asked
    // A private key already loaded (one on a PKCS#11 token), used instead of the `key` file.
    std::shared_ptr<evp_pkey_st> key_object = nullptr;
};

// TLS 1.2 and 1.3 only. With a client CA bundle the server asks every client for a certificate
// and verifies it against the bundle (validity, chain, purpose sslclient), but completes the
// handshake either way: the outcome is in PeerCertificate::verified / error, so the application
// can answer 401 in HTTP. ErrorCode::config naming the file when something cannot be loaded.
[[nodiscard]] Result<std::shared_ptr<boost::asio::ssl::context>> make_server_tls_context(
    const TlsServerFiles& files);

struct TlsClientFiles {
    std::string ca;           // PEM bundle that must have issued the server's certificate
    std::string certificate;  // PEM client certificate; empty: none presented
    std::string key;          // its PEM private key
};

// TLS 1.2 and 1.3 only; verifies the server against `ca`.
[[nodiscard]] Result<std::shared_ptr<boost::asio::ssl::context>> make_client_tls_context(
    const TlsClientFiles& files);

// After a server handshake: the client's leaf certificate and the verification outcome, or
// nullopt when the client sent none. `ssl` is the stream's native handle.
std::optional<PeerCertificate> read_peer_certificate(ssl_st* ssl);

}  // namespace tanda::http
