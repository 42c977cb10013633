#include "pki/requestor_trust.hpp"

#include <catch2/catch.hpp>

#include "pki/ocsp_request.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_ca.hpp"
#include "tests/unit/pki/ocsp_openssl.hpp"

using namespace tanda;
using namespace tanda::pki;
using tanda::test::RequestBuilder;

namespace {

struct Fixture {
    test::TestCa ca;  // issues the leaf asked about and the requestor
    test::TestCa other{KeyType::ec_p256, "CN=Other CA,O=Tanda Test,C=ID"};
    test::IssuedCert leaf = ca.issue("CN=Leaf,O=Tanda Test,C=ID");
    test::IssuedCert requestor = ca.issue("CN=Requestor,O=Tanda Test,C=ID");
    test::TempDir dir;

    // A trust bundle file holding `certs`.
    RequestorTrust trust(const std::string& name, std::initializer_list<const Certificate*> certs) {
        std::string pem;
        for (const auto* c : certs) pem += c->pem();
        const std::string path = (dir / name).string();
        test::must(write_file_atomic(path, pem, 0644));
        return test::must(RequestorTrust::load_file(path));
    }
    Bytes request() const { return RequestBuilder().add(EVP_sha1(), leaf.cert, ca.cert()).der(); }
    Bytes signed_request(const PrivateKey& key) const {
        return RequestBuilder()
            .add(EVP_sha1(), leaf.cert, ca.cert())
            .sign(requestor.cert, key)
            .der();
    }
};

}  // namespace

TEST_CASE("parse_ocsp_request marks signed requests and reads them like unsigned ones",
          "[requestor_trust]") {
    Fixture f;
    auto plain = parse_ocsp_request(f.request(), {});
    auto signed_req = parse_ocsp_request(f.signed_request(f.requestor.key), {});
    REQUIRE(plain);
    REQUIRE(signed_req);
    CHECK_FALSE(plain->is_signed);
    CHECK(signed_req->is_signed);
    CHECK(signed_req->certs == plain->certs);
}

TEST_CASE("a request signature verifies against the bundle it chains to", "[requestor_trust]") {
    Fixture f;
    const Bytes good = f.signed_request(f.requestor.key);
    // The serial asked about changed after signing.
    const Bytes forged = test::tampered(
        good, test::cert_id_der(test::cert_id(EVP_sha1(), f.leaf.cert, f.ca.cert()).get()));
    REQUIRE(parse_ocsp_request(forged, {}));
    auto by_ca = f.trust("ca.pem", {&f.ca.cert()});
    auto by_requestor = f.trust("requestor.pem", {&f.requestor.cert});  // a non-root anchor
    auto by_other = f.trust("other.pem", {&f.other.cert()});
    auto both = f.trust("both.pem", {&f.other.cert(), &f.ca.cert()});

    CHECK(verify_request_signature(good, nullptr));
    CHECK(verify_request_signature(good, &by_ca));
    CHECK(verify_request_signature(good, &by_requestor));
    CHECK(verify_request_signature(good, &both));
    CHECK_FALSE(verify_request_signature(good, &by_other));
    CHECK_FALSE(verify_request_signature(forged, nullptr));
    CHECK_FALSE(verify_request_signature(forged, &by_ca));
    CHECK_FALSE(verify_request_signature(f.request(), nullptr));  // unsigned
    CHECK_FALSE(verify_request_signature(f.request(), &by_ca));
    CHECK_FALSE(verify_request_signature(Bytes{std::byte{0x30}}, &by_ca));  // not DER
}

TEST_CASE("a trust bundle must hold certificates", "[requestor_trust]") {
    Fixture f;
    CHECK_FALSE(RequestorTrust::load_file((f.dir / "missing.pem").string()));
    const std::string empty = (f.dir / "empty.pem").string();
    test::must(write_file_atomic(empty, "not a certificate\n", 0644));
    CHECK_FALSE(RequestorTrust::load_file(empty));
}
