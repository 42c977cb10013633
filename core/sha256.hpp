// SHA-256 (FIPS 180-4) for the journal's hash chain, ETags and signatures: a thin wrapper over
// libcrypto's, so the digest is the validated library's, never code of our own. Callers see no
// OpenSSL header or type.
#pragma once

#include <array>
#include <memory>

#include "core/bytes.hpp"

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX

namespace tanda {

using Sha256Digest = std::array<std::byte, 32>;

// Incremental hashing. One object is used by one thread at a time; each holds its own libcrypto
// context. If libcrypto cannot hash (no provider offers SHA-256, or it is out of memory), the
// process aborts with a message: no caller could go on without its digests.
class Sha256 {
public:
    Sha256();
    ~Sha256();

    void update(ByteView data);
    Sha256Digest finish();  // the object must not be used afterwards

    // One-shot hashing on a context reused per thread (no allocation per call). Thread-safe.
    static Sha256Digest digest(ByteView data);

private:
    struct ContextFree {
        void operator()(evp_md_ctx_st* ctx) const noexcept;
    };
    std::unique_ptr<evp_md_ctx_st, ContextFree> ctx_;
};

}  // namespace tanda
