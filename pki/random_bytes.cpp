#include "pki/random_bytes.hpp"

#include <openssl/rand.h>

#include <climits>

#include "pki/openssl_error.hpp"

namespace tanda::pki {

Result<Bytes> random_bytes(std::size_t n) {
    Bytes out(n);
    if (n > static_cast<std::size_t>(INT_MAX) ||
        RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
        return crypto_fail("RAND_bytes");
    }
    return out;
}

}  // namespace tanda::pki
