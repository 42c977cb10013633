#include "pki/library_version.hpp"

#include <openssl/crypto.h>

namespace tanda::pki {

std::string_view openssl_version() noexcept { return OpenSSL_version(OPENSSL_VERSION_STRING); }

}  // namespace tanda::pki
