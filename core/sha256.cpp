// libcrypto's SHA-256 behind core's interface. The EVP_MD is fetched once and contexts are
// reused: OpenSSL 3 looks a digest named by string up in its provider store on every fetch, and
// EVP_Q_digest (a fetch and a context per call) took 2.5x as long on a journal entry
// (bench/RESULTS.md, "SHA-256: libcrypto instead of hand-written code").
#include "core/sha256.hpp"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

namespace tanda {
namespace {

[[noreturn]] void fail(const char* call) {
    std::fprintf(stderr, "tanda: libcrypto's SHA-256 failed in %s\n", call);
    std::abort();
}

struct MdFree {
    void operator()(EVP_MD* md) const noexcept { EVP_MD_free(md); }
};

// Fetched on first use and shared by every thread (a fetched EVP_MD is immutable).
const EVP_MD* sha256_md() {
    static const std::unique_ptr<EVP_MD, MdFree> md = [] {
        std::unique_ptr<EVP_MD, MdFree> fetched(EVP_MD_fetch(nullptr, "SHA2-256", nullptr));
        if (!fetched) fail("EVP_MD_fetch");
        return fetched;
    }();
    return md.get();
}

void start(EVP_MD_CTX* ctx) {
    if (EVP_DigestInit_ex2(ctx, sha256_md(), nullptr) != 1) fail("EVP_DigestInit_ex2");
}

void add(EVP_MD_CTX* ctx, ByteView data) {
    if (EVP_DigestUpdate(ctx, data.data(), data.size()) != 1) fail("EVP_DigestUpdate");
}

Sha256Digest end(EVP_MD_CTX* ctx) {
    Sha256Digest out;
    unsigned length = 0;
    if (EVP_DigestFinal_ex(ctx, reinterpret_cast<unsigned char*>(out.data()), &length) != 1 ||
        length != out.size()) {
        fail("EVP_DigestFinal_ex");
    }
    return out;
}

EVP_MD_CTX* new_context() {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    if (ctx == nullptr) fail("EVP_MD_CTX_new");
    return ctx;
}

}  // namespace

void Sha256::ContextFree::operator()(evp_md_ctx_st* ctx) const noexcept { EVP_MD_CTX_free(ctx); }

Sha256::Sha256() : ctx_(new_context()) { start(ctx_.get()); }
Sha256::~Sha256() = default;

void Sha256::update(ByteView data) { add(ctx_.get(), data); }

Sha256Digest Sha256::finish() { return end(ctx_.get()); }

Sha256Digest Sha256::digest(ByteView data) {
    // EVP_Digest allocates and frees a context per call: a quarter more time on a journal entry.
    thread_local const std::unique_ptr<evp_md_ctx_st, ContextFree> ctx(new_context());
    start(ctx.get());
    add(ctx.get(), data);
    return end(ctx.get());
}

}  // namespace tanda
