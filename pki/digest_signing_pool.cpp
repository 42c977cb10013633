#include "pki/digest_signing_pool.hpp"

#include <array>
#include <cstring>

#include "core/sha256.hpp"
#include "pki/openssl_error.hpp"
#include "pki/signing_digest.hpp"

namespace tanda::pki {
namespace {

EvpPkeyCtxPtr new_context(EVP_PKEY* key, const EVP_MD* md, bool pss) {
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    // The digest is named so that RSA wraps it in a DigestInfo (or PSS-encodes it) and ECDSA
    // checks its length.
    if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_signature_md(ctx.get(), md) != 1 ||
        !set_signature_padding(ctx.get(), pss)) {
        return nullptr;
    }
    return ctx;
}

// Whether `signature` over `data` verifies the way a verifier of EVP_DigestSign output checks it.
bool verifies(EVP_PKEY* key, const EVP_MD* md, bool pss, ByteView data, ByteView signature) {
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    return ctx && EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, key) == 1 &&
           set_signature_padding(pctx, pss) &&
           EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                            data.size()) == 1;
}

}  // namespace

DigestSigningPool::DigestSigningPool(EvpPkeyPtr key, EvpMdPtr md, bool pss, EvpPkeyCtxPtr first)
    : key_(std::move(key)),
      md_(std::move(md)),
      sha256_(EVP_MD_is_a(md_.get(), "SHA2-256") == 1),
      pss_(pss) {
    idle_.push_back(std::move(first));
}

std::unique_ptr<DigestSigningPool> DigestSigningPool::create(EVP_PKEY* key, const EVP_MD* md,
                                                             bool pss) {
    if (key == nullptr || md == nullptr) return nullptr;
    EvpMdPtr fetched(EVP_MD_fetch(nullptr, EVP_MD_get0_name(md), nullptr));
    EvpPkeyCtxPtr first = fetched ? new_context(key, fetched.get(), pss) : nullptr;
    if (!first || EVP_PKEY_up_ref(key) != 1) {
        discard_openssl_errors();
        return nullptr;
    }
    EvpPkeyPtr shared(key);  // owns the reference just taken
    std::unique_ptr<DigestSigningPool> pool(
        new DigestSigningPool(std::move(shared), std::move(fetched), pss, std::move(first)));
    static constexpr std::array<std::byte, 3> kProbe = {std::byte{'t'}, std::byte{'n'},
                                                        std::byte{'d'}};
    Bytes signature;
    bool ok = pool->sign(kProbe, signature) && verifies(key, md, pss, kProbe, signature);
    discard_openssl_errors();
    return ok ? std::move(pool) : nullptr;
}

unsigned DigestSigningPool::digest(ByteView data, unsigned char* out) const {
    if (sha256_) {  // core's reuses a context per thread; EVP_Digest makes and frees one per call
        const Sha256Digest d = Sha256::digest(data);
        std::memcpy(out, d.data(), d.size());
        return static_cast<unsigned>(d.size());
    }
    unsigned length = 0;
    return EVP_Digest(data.data(), data.size(), out, &length, md_.get(), nullptr) == 1 ? length : 0;
}

bool DigestSigningPool::sign(ByteView data, Bytes& signature) const {
    unsigned char digest_bytes[EVP_MAX_MD_SIZE];
    const unsigned digest_length = digest(data, digest_bytes);
    if (digest_length == 0) return false;
    EvpPkeyCtxPtr ctx = take();
    if (!ctx) return false;
    signature.resize(static_cast<std::size_t>(EVP_PKEY_get_size(key_.get())));
    std::size_t length = signature.size();
    const bool ok = EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()),
                                  &length, digest_bytes, digest_length) == 1;
    if (!ok) return false;  // the context is freed: a provider need not keep it usable
    give(std::move(ctx));
    signature.resize(length);
    return true;
}

EvpPkeyCtxPtr DigestSigningPool::take() const {
    {
        std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            EvpPkeyCtxPtr ctx = std::move(idle_.back());
            idle_.pop_back();
            return ctx;
        }
    }
    return new_context(key_.get(), md_.get(), pss_);
}

void DigestSigningPool::give(EvpPkeyCtxPtr ctx) const {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(ctx));
}

}  // namespace tanda::pki
