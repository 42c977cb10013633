// HMAC-SHA256 (RFC 2104, FIPS 198-1) over libcrypto's implementation, for signing webhook
// bodies (admin/'s notifications): never code of our own, and no OpenSSL type in the header.
#pragma once

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "core/sha256.hpp"

namespace tanda::pki {

// The 32-byte MAC of `data` under `key` (any length, may be empty). ErrorCode::crypto only when
// libcrypto itself fails (no provider offers HMAC or SHA-256). Thread-safe.
[[nodiscard]] Result<Sha256Digest> hmac_sha256(ByteView key, ByteView data);

}  // namespace tanda::pki
