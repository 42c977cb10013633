// pki-internal: signatures made by hashing here and signing the digest with EVP_PKEY_sign, on
// signing contexts that are initialised once and reused, as `openssl speed` signs. OpenSSL 3's
// EVP_DigestSign needs a fresh (or copied) context per signature; at tens of thousands of
// signatures a second, setting one up and tearing it down was a tenth of a signature's cost.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "core/bytes.hpp"
#include "pki/openssl_handles.hpp"

namespace tanda::pki {

using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OpenSslDeleter<&EVP_PKEY_CTX_free>>;
using EvpMdPtr = std::unique_ptr<EVP_MD, OpenSslDeleter<&EVP_MD_free>>;

class DigestSigningPool {
public:
    // Null when `key` cannot sign a digest it is given (Ed25519 and Ed448 sign the message
    // itself: `md` is null for them) or when a test signature made this way does not verify as
    // an EVP_DigestSign signature with `md` would: callers then keep EVP_DigestSign. `pss`:
    // RSASSA-PSS instead of PKCS#1 v1.5 (set_signature_padding).
    static std::unique_ptr<DigestSigningPool> create(EVP_PKEY* key, const EVP_MD* md,
                                                     bool pss = false);

    // The signature of `data` into `signature` (resized to fit); false on failure. Thread-safe:
    // each call takes an idle context, or makes one, and puts it back.
    [[nodiscard]] bool sign(ByteView data, Bytes& signature) const;

private:
    DigestSigningPool(EvpPkeyPtr key, EvpMdPtr md, bool pss, EvpPkeyCtxPtr first);
    // The digest of `data` into `out` (EVP_MAX_MD_SIZE bytes); its length, 0 on failure.
    unsigned digest(ByteView data, unsigned char* out) const;
    EvpPkeyCtxPtr take() const;
    void give(EvpPkeyCtxPtr ctx) const;

    EvpPkeyPtr key_;
    EvpMdPtr md_;  // fetched once: a digest by EVP_sha256() is looked up on every use
    bool sha256_;  // md_ is SHA-256
    bool pss_;
    mutable std::mutex mutex_;
    mutable std::vector<EvpPkeyCtxPtr> idle_;  // as many as signatures were ever made at once
};

}  // namespace tanda::pki
