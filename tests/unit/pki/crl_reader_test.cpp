#include "pki/crl_reader.hpp"

#include <catch2/catch.hpp>

#include "tests/support/test_ca.hpp"

using namespace tanda;
using namespace tanda::pki;

namespace {

constexpr UnixSeconds kNow = 1700000000;

Bytes build(const CrlSigner& signer, CrlParams params, int entries) {
    CrlBuilder b(signer, std::move(params));
    Bytes serial{std::byte{1}, std::byte{2}};
    for (int i = 0; i < entries; ++i) {
        serial[1] = std::byte(i);
        b.add({serial, kNow - i, Reason::key_compromise, std::nullopt});
    }
    return test::must(b.finish());
}

}  // namespace

TEST_CASE("read_crl returns number, times and delta base of our own CRLs", "[crl]") {
    auto type = GENERATE(KeyType::ec_p256, KeyType::rsa2048, KeyType::ed25519);
    test::TestCa ca(type);
    auto signer = test::must(CrlSigner::create(ca.cert(), ca.key()));
    auto full = test::must(read_crl(build(signer, {12, kNow, kNow + 600, std::nullopt, "", "http://x/d.crl"}, 3), signer));
    CHECK(full.number == 12);
    CHECK(!full.delta_base);
    CHECK(full.this_update == kNow);
    CHECK(full.next_update == kNow + 600);
    auto delta = test::must(read_crl(build(signer, {13, kNow, kNow + 60, 12, "http://x/c.crl", ""}, 0), signer));
    CHECK(delta.number == 13);
    CHECK(delta.delta_base == std::optional<std::uint64_t>(12));
}

TEST_CASE("read_crl refuses tampered, foreign and truncated CRLs", "[crl]") {
    test::TestCa ca;
    test::TestCa other;
    auto signer = test::must(CrlSigner::create(ca.cert(), ca.key()));
    auto other_signer = test::must(CrlSigner::create(other.cert(), other.key()));
    Bytes der = build(signer, {1, kNow, kNow + 600, std::nullopt, "", ""}, 2);
    CHECK(!read_crl(der, other_signer));
    Bytes tampered = der;
    tampered[tampered.size() / 2] ^= std::byte{1};
    CHECK(!read_crl(tampered, signer));
    CHECK(!read_crl(ByteView(der).first(der.size() - 1), signer));
    CHECK(!read_crl({}, signer));
}

TEST_CASE("without the CA key a CRL is read against the CA certificate", "[crl]") {
    auto type = GENERATE(KeyType::ec_p256, KeyType::rsa2048, KeyType::ed25519);
    test::TestCa ca(type);
    test::TestCa other;
    auto signer = test::must(CrlSigner::create(ca.cert(), ca.key()));
    Bytes der = build(signer, {7, kNow, kNow + 600, std::nullopt, "", ""}, 2);
    auto info = test::must(read_crl(der, ca.cert()));
    CHECK(info.number == 7);
    CHECK(info.entries == 2);
    CHECK(info.next_update == kNow + 600);
    CHECK(!read_crl(der, other.cert()));  // another CA: neither issuer nor key
    Bytes tampered = der;
    tampered[tampered.size() / 2] ^= std::byte{1};
    CHECK(!read_crl(tampered, ca.cert()));
    CHECK(!read_crl(ByteView(der).first(der.size() - 1), ca.cert()));
}
