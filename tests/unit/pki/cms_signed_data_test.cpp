#include "pki/cms_signed_data.hpp"

#include <catch2/catch.hpp>

#include "pki/certificate_factory.hpp"

namespace {

using namespace tanda;
using namespace tanda::pki;

struct Signer {
    PrivateKey key;
    Certificate cert;
};

Signer make_signer(const std::string& cn) {
    auto key = generate_key(KeyType::ec_p256);
    REQUIRE(key);
    CertificateSpec spec;
    spec.subject = "CN=" + cn + ",O=Tanda Test";
    spec.serial = *Serial::from_hex("01");
    spec.not_before = 1'700'000'000;
    spec.not_after = 2'000'000'000;
    auto cert = issue_certificate(spec, *key, nullptr, *key);
    REQUIRE(cert);
    return {std::move(*key), std::move(*cert)};
}

}  // namespace

TEST_CASE("CMS SignedData: signed content verifies and comes back", "[pki][cms]") {
    const Signer s = make_signer("Checkpoints");
    const std::string content = "tanda-checkpoint 1\nseq: 1\n";
    auto signed_data = cms_sign(content, s.cert, s.key);
    REQUIRE(signed_data);
    auto back = cms_verify(*signed_data, s.cert);
    REQUIRE(back);
    CHECK(*back == content);
}

TEST_CASE("CMS SignedData: another certificate does not verify", "[pki][cms]") {
    const Signer s = make_signer("Checkpoints");
    const Signer other = make_signer("Checkpoints");  // same name, other key
    auto signed_data = cms_sign("payload\n", s.cert, s.key);
    REQUIRE(signed_data);
    auto back = cms_verify(*signed_data, other.cert);
    REQUIRE_FALSE(back);
    CHECK(back.error().code == ErrorCode::crypto);
}

TEST_CASE("CMS SignedData: a changed payload or garbage is refused", "[pki][cms]") {
    const Signer s = make_signer("Checkpoints");
    auto signed_data = cms_sign("seq: 41\n", s.cert, s.key);
    REQUIRE(signed_data);
    // "seq: 41" -> "seq: 42" in the embedded content: same length, so the DER stays valid.
    std::string tampered(reinterpret_cast<const char*>(signed_data->data()), signed_data->size());
    const auto at = tampered.find("seq: 41");
    const bool changed = at != std::string::npos;
    if (changed) tampered[at + 6] = '2';
    REQUIRE(changed);
    auto back = cms_verify(as_bytes(tampered), s.cert);
    REQUIRE_FALSE(back);
    CHECK(back.error().code == ErrorCode::crypto);
    const std::string junk = "not cms";
    auto none = cms_verify(as_bytes(junk), s.cert);
    REQUIRE_FALSE(none);
    CHECK(none.error().code == ErrorCode::invalid_argument);
}

TEST_CASE("CMS SignedData: a key that is not the certificate's is refused", "[pki][cms]") {
    const Signer s = make_signer("A");
    const Signer other = make_signer("B");
    CHECK_FALSE(cms_sign("x", s.cert, other.key));
}
