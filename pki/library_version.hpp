// Which OpenSSL this process runs on, for the build-info metric and logs (the shared library's
// version, which may be newer than the headers Tanda was built with).
#pragma once

#include <string_view>

namespace tanda::pki {

// e.g. "3.0.15"
std::string_view openssl_version() noexcept;

}  // namespace tanda::pki
