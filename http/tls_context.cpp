#include "http/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/verify_context.hpp>

namespace tanda::http {

namespace ssl = boost::asio::ssl;

namespace {

// The one translation of asio/OpenSSL errors here: the file and OpenSSL's reason.
tl::unexpected<Error> file_error(const std::string& what, const std::string& path,
                                 const boost::system::error_code& ec) {
    return fail(ErrorCode::config, what + " '" + path + "': " + ec.message());
}

Result<std::shared_ptr<ssl::context>> base_context(ssl::context::method method) {
    auto ctx = std::make_shared<ssl::context>(method);
    // TLS 1.2 and 1.3 only; no compression, no renegotiation (1.2), fresh ECDHE keys.
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                     ssl::context::no_compression | ssl::context::single_dh_use);
    if (SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION) != 1) {
        ERR_clear_error();
        return fail(ErrorCode::crypto, "cannot restrict TLS to 1.2 and later");
    }
    SSL_CTX_set_options(ctx->native_handle(), SSL_OP_NO_RENEGOTIATION);
    return ctx;
}

Result<void> load_identity(ssl::context& ctx, const std::string& cert, const std::string& key,
                           EVP_PKEY* key_object) {
    boost::system::error_code ec;
    ctx.use_certificate_chain_file(cert, ec);
    if (ec) return file_error("certificate", cert, ec);
    if (key_object != nullptr) {
        if (SSL_CTX_use_PrivateKey(ctx.native_handle(), key_object) != 1) {
            // OpenSSL checks it against the certificate: "key values mismatch" when not its.
            const char* reason = ERR_reason_error_string(ERR_peek_last_error());
            ERR_clear_error();
            return fail(ErrorCode::config, "private key '" + key + "' cannot be used with '" +
                                               cert + "': " + (reason ? reason : "unknown"));
        }
    } else {
        ctx.use_private_key_file(key, ssl::context::pem, ec);
        if (ec) return file_error("private key", key, ec);
    }
    if (SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
        ERR_clear_error();
        return fail(ErrorCode::config, "private key '" + key + "' does not match '" + cert + "'");
    }
    return {};
}

}  // namespace

Result<std::shared_ptr<ssl::context>> make_server_tls_context(const TlsServerFiles& files) {
    auto ctx = base_context(ssl::context::tls_server);
    if (!ctx) return ctx;
    if (auto ok = load_identity(**ctx, files.certificate, files.key, files.key_object.get()); !ok) {
        return tl::unexpected(ok.error());
    }
    if (!files.client_ca.empty()) {
        boost::system::error_code ec;
        (*ctx)->load_verify_file(files.client_ca, ec);
        if (ec) return file_error("client CA bundle", files.client_ca, ec);
        // Name the acceptable CAs in the CertificateRequest, so clients pick the right cert.
        STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(files.client_ca.c_str());
        if (names != nullptr) SSL_CTX_set_client_CA_list((*ctx)->native_handle(), names);
        ERR_clear_error();
        // Ask for a certificate and verify it, but finish the handshake whatever the outcome:
        // read_peer_certificate reports it, and the admin API answers 401 with the reason.
        (*ctx)->set_verify_mode(ssl::verify_peer, ec);
        (*ctx)->set_verify_callback([](bool, ssl::verify_context&) { return true; }, ec);
        if (ec) return fail(ErrorCode::crypto, "TLS verify setup: " + ec.message());
    }
    return ctx;
}

Result<std::shared_ptr<ssl::context>> make_client_tls_context(const TlsClientFiles& files) {
    auto ctx = base_context(ssl::context::tls_client);
    if (!ctx) return ctx;
    boost::system::error_code ec;
    (*ctx)->load_verify_file(files.ca, ec);
    if (ec) return file_error("CA bundle", files.ca, ec);
    (*ctx)->set_verify_mode(ssl::verify_peer, ec);
    if (!files.certificate.empty()) {
        if (auto ok = load_identity(**ctx, files.certificate, files.key, nullptr); !ok) {
            return tl::unexpected(ok.error());
        }
    }
    return ctx;
}

std::optional<PeerCertificate> read_peer_certificate(ssl_st* ssl) {
    X509* cert = SSL_get1_peer_certificate(ssl);
    if (cert == nullptr) return std::nullopt;
    PeerCertificate peer;
    unsigned char* der = nullptr;
    int len = i2d_X509(cert, &der);
    if (len > 0) {
        auto* begin = reinterpret_cast<const std::byte*>(der);
        peer.der.assign(begin, begin + len);
        OPENSSL_free(der);
    }
    X509_free(cert);
    const long result = SSL_get_verify_result(ssl);
    peer.verified = result == X509_V_OK && !peer.der.empty();
    if (!peer.verified) {
        peer.error = result == X509_V_OK ? "unreadable certificate"
                                         : X509_verify_cert_error_string(result);
    }
    ERR_clear_error();
    return peer;
}

}  // namespace tanda::http
