#include "pki/digest_signing_pool.hpp"

#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "pki/certificate_factory.hpp"
#include "pki/signing_digest.hpp"
#include "tests/support/test_ca.hpp"

using namespace tanda;
using namespace tanda::pki;

namespace {

// What a relying party does with an OCSP signature: verify it over the message with the digest.
bool verifies(const PrivateKey& key, const EVP_MD* md, ByteView data, ByteView signature) {
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    return EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key.handle().get()) == 1 &&
           EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                            data.size()) == 1;
}

Bytes message(std::size_t n, unsigned seed) {
    Bytes out(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = std::byte(static_cast<unsigned>(i * 31 + seed));
    return out;
}

}  // namespace

TEST_CASE("digest signing pool signatures verify as signatures of the whole message", "[signing]") {
    auto type = GENERATE(KeyType::ec_p256, KeyType::ec_p384, KeyType::rsa2048);
    PrivateKey key = test::must(generate_key(type));
    const EVP_MD* md = test::must(signing_digest(key));
    auto pool = DigestSigningPool::create(key.handle().get(), md);
    REQUIRE(pool != nullptr);

    Bytes data = message(300, 7);
    Bytes signature;
    REQUIRE(pool->sign(data, signature));
    CHECK(signature.size() <= static_cast<std::size_t>(EVP_PKEY_get_size(key.handle().get())));
    CHECK(verifies(key, md, data, signature));
    Bytes altered = data;
    altered[150] ^= std::byte{1};
    CHECK_FALSE(verifies(key, md, altered, signature));
    // Reused contexts keep signing: a second message, a second valid signature.
    Bytes second;
    REQUIRE(pool->sign(altered, second));
    CHECK(verifies(key, md, altered, second));
}

TEST_CASE("keys that sign the message itself get no digest signing pool", "[signing]") {
    PrivateKey key = test::must(generate_key(KeyType::ed25519));
    CHECK(test::must(signing_digest(key)) == nullptr);
    CHECK(DigestSigningPool::create(key.handle().get(), nullptr) == nullptr);
    // Even when handed a digest: Ed25519 cannot sign a prehash, and create() must find that out
    // (EVP_PKEY_sign_init or the verifying self-check) rather than trust the caller.
    CHECK(DigestSigningPool::create(key.handle().get(), EVP_sha256()) == nullptr);
}

TEST_CASE("a digest signing pool signs from many threads at once", "[signing]") {
    PrivateKey key = test::must(generate_key(KeyType::ec_p256));
    const EVP_MD* md = test::must(signing_digest(key));
    auto pool = DigestSigningPool::create(key.handle().get(), md);
    REQUIRE(pool != nullptr);
    constexpr unsigned kThreads = 4, kEach = 100;
    std::vector<std::vector<Bytes>> signatures(kThreads);
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (unsigned i = 0; i < kEach; ++i) {
                Bytes signature;
                if (!pool->sign(message(200, t * kEach + i), signature)) signature.clear();
                signatures[t].push_back(std::move(signature));
            }
        });
    }
    for (auto& th : threads) th.join();
    unsigned valid = 0;
    for (unsigned t = 0; t < kThreads; ++t) {
        for (unsigned i = 0; i < kEach; ++i) {
            valid += verifies(key, md, message(200, t * kEach + i), signatures[t][i]) ? 1 : 0;
        }
    }
    CHECK(valid == kThreads * kEach);
}
