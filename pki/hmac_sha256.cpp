#include "pki/hmac_sha256.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "pki/openssl_error.hpp"

namespace tanda::pki {

Result<Sha256Digest> hmac_sha256(ByteView key, ByteView data) {
    Sha256Digest mac{};
    unsigned int length = 0;
    // HMAC() is libcrypto's one-shot form (not deprecated in 3.0, unlike HMAC_CTX); a null key
    // pointer would make it fail, so an empty key is passed as a valid empty buffer.
    static const unsigned char kEmpty = 0;
    const auto* k = key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
    if (HMAC(EVP_sha256(), k, static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(data.data()), data.size(),
             reinterpret_cast<unsigned char*>(mac.data()), &length) == nullptr ||
        length != mac.size()) {
        return crypto_fail("HMAC-SHA256");
    }
    return mac;
}

}  // namespace tanda::pki
