#include "cli/admin_tls.hpp"

#include "http/tls_context.hpp"
#include "pki/certificate.hpp"
#include "pki/pkcs11_uri.hpp"

namespace tanda::cli {

Result<std::shared_ptr<boost::asio::ssl::context>> make_admin_tls_context(
    const admin::AdminOptions& o) {
    http::TlsServerFiles files{o.server_certificate, o.server_key, o.client_ca, nullptr};
    if (pki::is_pkcs11_uri(o.server_key)) {
        auto key = pki::PrivateKey::load_file(o.server_key);
        if (!key) return tl::unexpected(key.error().with_context("admin TLS: server_key"));
        files.key_object = key->openssl_key();
    }
    auto tls = http::make_server_tls_context(files);
    if (!tls) return tl::unexpected(tls.error().with_context("admin TLS"));
    return tls;
}

}  // namespace tanda::cli
