// Unpredictable bytes from libcrypto's CSPRNG (RAND_bytes), for secrets handed to people (the
// holder status tokens): never a generator of our own, and no OpenSSL type in the header.
#pragma once

#include <cstddef>

#include "core/bytes.hpp"
#include "core/result.hpp"

namespace tanda::pki {

// `n` random bytes; ErrorCode::crypto when the generator is not seeded or fails. Thread-safe.
[[nodiscard]] Result<Bytes> random_bytes(std::size_t n);

}  // namespace tanda::pki
