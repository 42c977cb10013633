// The admin listener's TLS context, for `tanda serve`, `tanda demo` and `tanda check-config`:
// the server key from a PEM file or, when admin.server_key is a pkcs11: URI, on a PKCS#11 token
// (each handshake's signature is then a token call).
#pragma once

#include <memory>

#include "admin/admin_options.hpp"
#include "core/result.hpp"

namespace boost::asio::ssl {
class context;
}

namespace tanda::cli {

// Errors say "admin TLS" and name the file or URI (never a PIN).
[[nodiscard]] Result<std::shared_ptr<boost::asio::ssl::context>> make_admin_tls_context(
    const admin::AdminOptions& options);

}  // namespace tanda::cli
