#include "ocsp/ocsp_responder.hpp"

#include <catch2/catch.hpp>

#include "tests/unit/ocsp/live_fixture.hpp"
#include "tests/unit/ocsp/ocsp_client.hpp"

using namespace tanda;
using ocsp::Outcome;


TEST_CASE("answers good, revoked and unknown, signed and verifiable", "[live]") {
    test::LiveFixture f;
    f.start();
    auto md = GENERATE(EVP_sha1(), EVP_sha256(), EVP_sha384(), EVP_sha512());
    test::RequestBuilder req;
    req.add(md, f.ec_good.cert, f.ec.cert())
        .add(md, f.ec_revoked.cert, f.ec.cert())
        .add(md, f.ec_unknown.cert, f.ec.cert());
    auto answer = f.answer(req.der());
    CHECK(answer.outcome == ocsp::Outcome::revoked);
    CHECK(answer.ca_name == "ec");
    test::ReadResponse read(*answer.der);
    REQUIRE(read.response_status() == OCSP_RESPONSE_STATUS_SUCCESSFUL);
    CHECK(read.verifies(f.ec.cert()));
    auto good = read.status(test::cert_id(md, f.ec_good.cert, f.ec.cert()).get());
    auto revoked = read.status(test::cert_id(md, f.ec_revoked.cert, f.ec.cert()).get());
    auto unknown = read.status(test::cert_id(md, f.ec_unknown.cert, f.ec.cert()).get());
    REQUIRE((good && revoked && unknown));
    CHECK(good->cert_status == V_OCSP_CERTSTATUS_GOOD);
    CHECK(revoked->cert_status == V_OCSP_CERTSTATUS_REVOKED);
    CHECK(revoked->reason == OCSP_REVOKED_STATUS_KEYCOMPROMISE);
    CHECK(revoked->revoked_at == f.clock.now() - 3600);
    CHECK(unknown->cert_status == V_OCSP_CERTSTATUS_UNKNOWN);
    CHECK(good->this_update == f.clock.now() - 300);
    CHECK(good->next_update == f.clock.now() + 86400);
}

TEST_CASE("a CA signing with its own key is verifiable, and its own root serial is good",
          "[live]") {
    test::LiveFixture f;
    f.start();
    test::RequestBuilder req;
    req.add(EVP_sha256(), f.rsa_good.cert, f.rsa.cert())
        .add(EVP_sha256(), f.rsa.cert(), f.rsa.cert());
    test::ReadResponse read(*f.answer(req.der()).der);
    REQUIRE(read.response_status() == OCSP_RESPONSE_STATUS_SUCCESSFUL);
    CHECK(read.verifies(f.rsa.cert()));
    auto root = read.status(test::cert_id(EVP_sha256(), f.rsa.cert(), f.rsa.cert()).get());
    REQUIRE(root);
    CHECK(root->cert_status == V_OCSP_CERTSTATUS_GOOD);
}

TEST_CASE("issuers not served, mixed issuers and garbage are refused", "[live]") {
    test::LiveFixture f;
    f.start();
    SECTION("unauthorized for an issuer not served") {
        test::RequestBuilder req;
        req.add(EVP_sha1(), f.foreign.cert, f.stranger.cert());
        CHECK(f.answer(req.der()).outcome == ocsp::Outcome::unauthorized);
    }
    SECTION("unauthorized when one request names two CAs") {
        test::RequestBuilder req;
        req.add(EVP_sha1(), f.ec_good.cert, f.ec.cert()).add(EVP_sha1(), f.rsa_good.cert,
                                                             f.rsa.cert());
        CHECK(f.answer(req.der()).outcome == ocsp::Outcome::unauthorized);
    }
    SECTION("malformed for bytes that are not a request") {
        Bytes junk{std::byte{0x30}, std::byte{0x03}, std::byte{0x02}};
        auto answer = f.answer(junk);
        CHECK(answer.outcome == ocsp::Outcome::malformed);
        test::ReadResponse read(*answer.der);
        CHECK(read.response_status() == OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
    }
    SECTION("malformed for more CertIDs than the CA allows") {
        f.options[0].max_certids = 2;
        f.registry = std::make_shared<ca::CaRegistry>(test::load_registry(f.options));
        test::must(ca::bind_storage(*f.registry, *f.index, f.clock.now()));
        test::RequestBuilder req;
        for (int i = 0; i < 3; ++i) req.add(EVP_sha1(), f.ec_good.cert, f.ec.cert());
        CHECK(f.answer(req.der()).outcome == ocsp::Outcome::malformed);
    }
}

TEST_CASE("nonces follow the CA's policy and RFC 9654 lengths", "[live][nonce]") {
    test::LiveFixture f;
    const Bytes nonce(32, std::byte{0x5a});
    SECTION("echo: the nonce comes back in a fresh response") {
        f.start();
        test::RequestBuilder req;
        req.add(EVP_sha1(), f.ec_good.cert, f.ec.cert()).nonce(nonce);
        auto answer = f.answer(req.der());
        CHECK(answer.has_nonce);
        test::ReadResponse read(*answer.der);
        CHECK(read.nonce_check(req.get()) == 1);
    }
    SECTION("echo: a nonce over the maximum length is malformed") {
        f.options[0].nonce_max_length = 16;
        f.start();
        test::RequestBuilder req;
        req.add(EVP_sha1(), f.ec_good.cert, f.ec.cert()).nonce(nonce);
        CHECK(f.answer(req.der()).outcome == ocsp::Outcome::malformed);
    }
    SECTION("ignore: no nonce in the response") {
        f.options[0].nonce_policy = ca::NoncePolicy::ignore;
        f.start();
        test::RequestBuilder req;
        req.add(EVP_sha1(), f.ec_good.cert, f.ec.cert()).nonce(nonce);
        auto answer = f.answer(req.der());
        CHECK_FALSE(answer.has_nonce);
        test::ReadResponse read(*answer.der);
        CHECK(read.nonce_check(req.get()) == -1);  // in the request only
    }
    SECTION("require: a request without a nonce is malformed") {
        f.options[0].nonce_policy = ca::NoncePolicy::require;
        f.start();
        test::RequestBuilder req;
        req.add(EVP_sha1(), f.ec_good.cert, f.ec.cert());
        CHECK(f.answer(req.der()).outcome == ocsp::Outcome::malformed);
    }
}

TEST_CASE("unknown_serials revoked adds the extended-revoke extension", "[live]") {
    test::LiveFixture f;
    f.options[0].unknown_serials = ca::UnknownSerialPolicy::revoked;
    f.start();
    test::RequestBuilder req;
    req.add(EVP_sha1(), f.ec_unknown.cert, f.ec.cert());
    auto answer = f.answer(req.der());
    test::ReadResponse read(*answer.der);
    auto s = read.status(test::cert_id(EVP_sha1(), f.ec_unknown.cert, f.ec.cert()).get());
    REQUIRE(s);
    CHECK(s->cert_status == V_OCSP_CERTSTATUS_REVOKED);
    CHECK(s->reason == OCSP_REVOKED_STATUS_CERTIFICATEHOLD);
    CHECK(s->revoked_at == 0);
    CHECK(read.has_response_extension(NID_id_pkix_OCSP_valid));
}

TEST_CASE("a revocation recorded after a good answer is answered revoked next time", "[live]") {
    test::LiveFixture f;
    f.start();
    test::RequestBuilder req;
    req.add(EVP_sha1(), f.ec_good.cert, f.ec.cert());
    CHECK(f.answer(req.der()).outcome == ocsp::Outcome::good);
    CertRecord r = test::LiveFixture::issued(f.ec_good.cert);
    r.state = CertState::revoked;
    r.reason = Reason::superseded;
    r.revoked_at = f.clock.now();
    f.record("ec", f.ec_good.cert, r);
    CHECK(f.answer(req.der()).outcome == ocsp::Outcome::revoked);
}
