#include "ocsp/resolved_request.hpp"

#include <algorithm>

#include <catch2/catch.hpp>

#include "tests/unit/ocsp/live_fixture.hpp"
#include "tests/unit/ocsp/ocsp_client.hpp"

using namespace tanda;

namespace {

bool same(ByteView a, ByteView b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }
bool inside(ByteView part, ByteView whole) {
    return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

}  // namespace

TEST_CASE("a simple request resolves to views into its own bytes", "[resolve]") {
    test::LiveFixture f;
    f.start();
    test::RequestBuilder req;
    req.add(EVP_sha1(), f.ec_good.cert, f.ec.cert());
    const Bytes der = req.der();
    auto r = ocsp::resolve_request(der, f.registry);
    REQUIRE(r);
    CHECK(r->ca == f.registry->find_by_name("ec"));
    REQUIRE(r->certs.size() == 1);
    CHECK(same(r->certs[0].serial, f.ec_good.cert.serial().bytes()));
    CHECK(inside(r->certs[0].serial, der));
    CHECK(inside(r->certs[0].cert_id_der, der));
    CHECK(r->owner == nullptr);  // scanned: nothing was decoded into a copy
    CHECK(r->shareable());
}

TEST_CASE("the parser's path names the same CA and CertIDs as the scanner's", "[resolve]") {
    test::LiveFixture f;
    f.start();
    test::RequestBuilder one;
    one.add(EVP_sha1(), f.ec_good.cert, f.ec.cert());
    test::RequestBuilder two;  // two CertIDs: not the scanner's shape
    two.add(EVP_sha1(), f.ec_good.cert, f.ec.cert()).add(EVP_sha1(), f.ec_revoked.cert,
                                                         f.ec.cert());
    const Bytes der_one = one.der(), der_two = two.der();
    auto scanned = ocsp::resolve_request(der_one, f.registry);
    auto parsed = ocsp::resolve_request(der_two, f.registry);
    REQUIRE(scanned);
    REQUIRE(parsed);
    CHECK(parsed->ca == scanned->ca);
    REQUIRE(parsed->certs.size() == 2);
    CHECK(parsed->owner != nullptr);
    CHECK(same(parsed->certs[0].cert_id_der, scanned->certs[0].cert_id_der));
    CHECK(same(parsed->certs[1].serial, f.ec_revoked.cert.serial().bytes()));
    CHECK_FALSE(parsed->shareable());  // two CertIDs
}

TEST_CASE("a nonce to echo makes a request unshareable; detached() owns its bytes",
          "[resolve]") {
    test::LiveFixture f;
    f.start();
    const Bytes nonce(20, std::byte{0x42});
    test::RequestBuilder req;
    req.add(EVP_sha1(), f.ec_good.cert, f.ec.cert()).nonce(nonce);
    Bytes der = req.der();
    auto r = ocsp::resolve_request(der, f.registry);
    REQUIRE(r);
    REQUIRE(r->nonce);
    CHECK(same(*r->nonce, nonce));
    CHECK_FALSE(r->shareable());

    auto copy = r->detached();
    const Bytes serial(r->certs[0].serial.begin(), r->certs[0].serial.end());
    const Bytes cert_id(r->certs[0].cert_id_der.begin(), r->certs[0].cert_id_der.end());
    std::fill(der.begin(), der.end(), std::byte{0});  // the caller's buffer is gone
    CHECK(copy.ca == r->ca);
    CHECK(copy.cas == r->cas);
    CHECK(same(copy.certs[0].serial, serial));
    CHECK(same(copy.certs[0].cert_id_der, cert_id));
    REQUIRE(copy.nonce);
    CHECK(same(*copy.nonce, nonce));
    CHECK_FALSE(inside(copy.certs[0].cert_id_der, der));
}

TEST_CASE("signed requests: optional by default, required answers sigRequired", "[resolve]") {
    const bool required = GENERATE(false, true);
    CAPTURE(required);
    test::LiveFixture f;
    if (required) f.options[0].requests.signature = ca::RequestSignaturePolicy::required;
    f.start();
    auto requestor = f.ec.issue("CN=requestor");
    test::RequestBuilder one, two, signed_one;
    one.add(EVP_sha1(), f.ec_good.cert, f.ec.cert());
    two.add(EVP_sha1(), f.ec_good.cert, f.ec.cert()).add(EVP_sha1(), f.ec_revoked.cert,
                                                         f.ec.cert());
    signed_one.add(EVP_sha1(), f.ec_good.cert, f.ec.cert()).sign(requestor.cert, requestor.key);
    const Bytes scanned = one.der(), parsed = two.der(), signed_der = signed_one.der();

    auto a = ocsp::resolve_request(scanned, f.registry);
    auto b = ocsp::resolve_request(parsed, f.registry);
    auto c = ocsp::resolve_request(signed_der, f.registry);
    if (required) {
        CHECK(a.error() == ocsp::Outcome::sig_required);
        CHECK(b.error() == ocsp::Outcome::sig_required);
    } else {
        CHECK(a);
        CHECK(b);
    }
    REQUIRE(c);  // without a bundle the signature only has to verify with its certificate
    CHECK(c->shareable());

    auto id = test::cert_id(EVP_sha1(), f.ec_good.cert, f.ec.cert());
    const Bytes forged = test::tampered(signed_der, test::cert_id_der(id.get()));
    auto d = ocsp::resolve_request(forged, f.registry);
    if (required) {
        CHECK(d.error() == ocsp::Outcome::unauthorized);
    } else {
        CHECK(d);  // nobody asked for signatures: answered as if unsigned
    }
    // The policy is the CA's: the RSA CA still answers unsigned requests.
    test::RequestBuilder rsa;
    rsa.add(EVP_sha1(), f.rsa_good.cert, f.rsa.cert());
    CHECK(ocsp::resolve_request(rsa.der(), f.registry));
}

TEST_CASE("with trusted requestors, only their signatures are accepted", "[resolve]") {
    test::LiveFixture f;
    const std::string bundle = (f.dir / "requestors.pem").string();
    auto trusted = f.ec.issue("CN=trusted requestor");
    auto untrusted = f.stranger.issue("CN=untrusted requestor");
    test::write_pem(bundle, f.ec.cert().pem());
    f.options[0].requests.trusted_requestors = bundle;
    f.start();
    auto signed_by = [&](const test::IssuedCert& who) {
        test::RequestBuilder req;
        req.add(EVP_sha1(), f.ec_good.cert, f.ec.cert()).sign(who.cert, who.key);
        return req.der();
    };
    const Bytes good = signed_by(trusted), bad = signed_by(untrusted);
    auto ok = ocsp::resolve_request(good, f.registry);
    REQUIRE(ok);
    CHECK(ok->ca == f.registry->find_by_name("ec"));
    CHECK(ocsp::resolve_request(bad, f.registry).error() == ocsp::Outcome::unauthorized);
    test::RequestBuilder plain;  // optional: unsigned requests still answered
    plain.add(EVP_sha1(), f.ec_good.cert, f.ec.cert());
    CHECK(ocsp::resolve_request(plain.der(), f.registry));
}

TEST_CASE("a trusted-requestor file that cannot be loaded names its config line", "[resolve]") {
    test::LiveFixture f;
    f.options[0].requests.trusted_requestors = (f.dir / "missing.pem").string();
    f.options[0].requests.trusted_requestors_location = "tanda.yaml:42";
    auto loaded = ca::load_cas(f.options);
    REQUIRE_FALSE(loaded);
    CHECK(loaded.error().front().starts_with(
        "tanda.yaml:42: CA 'ec': requests.trusted_requestors"));
}
