#include "responder/ocsp_responder.hpp"

#include <catch2/catch.hpp>

#include "tests/support/fake_clock.hpp"
#include "tests/support/served_ca.hpp"
#include "tests/unit/responder/ocsp_client.hpp"

using namespace tanda;
using responder::Outcome;

namespace {

// Two served CAs (ECDSA with a delegated signer, RSA signing itself) over a fresh index.
struct Fixture {
    test::TempDir dir;
    test::FakeClock clock{SystemClock().now()};
    Logger logger{LogLevel::error};
    test::TestCa ec{pki::KeyType::ec_p256, "CN=EC CA,O=Tanda Test,C=ID"};
    test::TestCa rsa{pki::KeyType::rsa2048, "CN=RSA CA,O=Tanda Test,C=ID"};
    test::TestCa stranger{pki::KeyType::ec_p256, "CN=Not Served,O=Elsewhere,C=ID"};
    test::IssuedCert ec_good = ec.issue("CN=good");
    test::IssuedCert ec_revoked = ec.issue("CN=revoked");
    test::IssuedCert ec_unknown = ec.issue("CN=never registered");
    test::IssuedCert rsa_good = rsa.issue("CN=rsa good");
    test::IssuedCert foreign = stranger.issue("CN=foreign");
    std::vector<responder::CaOptions> options{
        test::write_ca_files(dir, "ec", ec, ec.ocsp_signer()),
        test::write_ca_files(dir, "rsa", rsa, std::nullopt)};
    std::unique_ptr<storage::RevocationIndex> index;
    std::shared_ptr<responder::CaRegistry> registry;

    void start() {
        index = test::must(storage::RevocationIndex::open({(dir / "db").string(), 1 << 24, 126}));
        registry = std::make_shared<responder::CaRegistry>(test::load_registry(options));
        test::must(responder::bind_storage(*registry, *index, clock.now()));
        record("ec", ec_good.cert, issued(ec_good.cert));
        CertRecord r = issued(ec_revoked.cert);
        r.state = CertState::revoked;
        r.reason = Reason::key_compromise;
        r.revoked_at = clock.now() - 3600;
        record("ec", ec_revoked.cert, r);
        record("rsa", rsa_good.cert, issued(rsa_good.cert));
    }
    static CertRecord issued(const pki::Certificate& c) {
        CertRecord r;
        r.not_after = c.not_after();
        r.subject = c.subject();
        return r;
    }
    void record(const std::string& ca, const pki::Certificate& c, const CertRecord& r) {
        storage::Change change{storage::ChangeKind::register_certificate,
                               registry->find_by_name(ca)->issuer_id, c.serial(), r};
        test::must(index->commit({&change, 1}, storage::Provenance{}, clock.now()));
    }
    responder::LiveResponder responder() { return {registry, *index, clock, logger}; }
};

}  // namespace

TEST_CASE("answers good, revoked and unknown, signed and verifiable", "[live]") {
    Fixture f;
    f.start();
    auto md = GENERATE(EVP_sha1(), EVP_sha256(), EVP_sha384(), EVP_sha512());
    test::RequestBuilder req;
    req.add(md, f.ec_good.cert, f.ec.cert())
        .add(md, f.ec_revoked.cert, f.ec.cert())
        .add(md, f.ec_unknown.cert, f.ec.cert());
    auto answer = f.responder().respond(req.der());
    CHECK(answer.outcome == Outcome::revoked);
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
    Fixture f;
    f.start();
    test::RequestBuilder req;
    req.add(EVP_sha256(), f.rsa_good.cert, f.rsa.cert())
        .add(EVP_sha256(), f.rsa.cert(), f.rsa.cert());
    test::ReadResponse read(*f.responder().respond(req.der()).der);
    REQUIRE(read.response_status() == OCSP_RESPONSE_STATUS_SUCCESSFUL);
    CHECK(read.verifies(f.rsa.cert()));
    auto root = read.status(test::cert_id(EVP_sha256(), f.rsa.cert(), f.rsa.cert()).get());
    REQUIRE(root);
    CHECK(root->cert_status == V_OCSP_CERTSTATUS_GOOD);
}

TEST_CASE("issuers not served, mixed issuers and garbage are refused", "[live]") {
    Fixture f;
    f.start();
    SECTION("unauthorized for an issuer not served") {
        test::RequestBuilder req;
        req.add(EVP_sha1(), f.foreign.cert, f.stranger.cert());
        CHECK(f.responder().respond(req.der()).outcome == Outcome::unauthorized);
    }
    SECTION("unauthorized when one request names two CAs") {
        test::RequestBuilder req;
        req.add(EVP_sha1(), f.ec_good.cert, f.ec.cert()).add(EVP_sha1(), f.rsa_good.cert,
                                                             f.rsa.cert());
        CHECK(f.responder().respond(req.der()).outcome == Outcome::unauthorized);
    }
    SECTION("malformed for bytes that are not a request") {
        Bytes junk{std::byte{0x30}, std::byte{0x03}, std::byte{0x02}};
        auto answer = f.responder().respond(junk);
        CHECK(answer.outcome == Outcome::malformed);
        test::ReadResponse read(*answer.der);
        CHECK(read.response_status() == OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
    }
    SECTION("malformed for more CertIDs than the CA allows") {
        f.options[0].max_certids = 2;
        f.registry = std::make_shared<responder::CaRegistry>(test::load_registry(f.options));
        test::must(responder::bind_storage(*f.registry, *f.index, f.clock.now()));
        test::RequestBuilder req;
        for (int i = 0; i < 3; ++i) req.add(EVP_sha1(), f.ec_good.cert, f.ec.cert());
        CHECK(f.responder().respond(req.der()).outcome == Outcome::malformed);
    }
}

TEST_CASE("nonces follow the CA's policy and RFC 9654 lengths", "[live][nonce]") {
    Fixture f;
    const Bytes nonce(32, std::byte{0x5a});
    SECTION("echo: the nonce comes back in a fresh response") {
        f.start();
        test::RequestBuilder req;
        req.add(EVP_sha1(), f.ec_good.cert, f.ec.cert()).nonce(nonce);
        auto answer = f.responder().respond(req.der());
        CHECK(answer.has_nonce);
        test::ReadResponse read(*answer.der);
        CHECK(read.nonce_check(req.get()) == 1);
    }
    SECTION("echo: a nonce over the maximum length is malformed") {
        f.options[0].nonce_max_length = 16;
        f.start();
        test::RequestBuilder req;
        req.add(EVP_sha1(), f.ec_good.cert, f.ec.cert()).nonce(nonce);
        CHECK(f.responder().respond(req.der()).outcome == Outcome::malformed);
    }
    SECTION("ignore: no nonce in the response") {
        f.options[0].nonce_policy = responder::NoncePolicy::ignore;
        f.start();
        test::RequestBuilder req;
        req.add(EVP_sha1(), f.ec_good.cert, f.ec.cert()).nonce(nonce);
        auto answer = f.responder().respond(req.der());
        CHECK_FALSE(answer.has_nonce);
        test::ReadResponse read(*answer.der);
        CHECK(read.nonce_check(req.get()) == -1);  // in the request only
    }
    SECTION("require: a request without a nonce is malformed") {
        f.options[0].nonce_policy = responder::NoncePolicy::require;
        f.start();
        test::RequestBuilder req;
        req.add(EVP_sha1(), f.ec_good.cert, f.ec.cert());
        CHECK(f.responder().respond(req.der()).outcome == Outcome::malformed);
    }
}

TEST_CASE("unknown_serials revoked adds the extended-revoke extension", "[live]") {
    Fixture f;
    f.options[0].unknown_serials = responder::UnknownSerialPolicy::revoked;
    f.start();
    test::RequestBuilder req;
    req.add(EVP_sha1(), f.ec_unknown.cert, f.ec.cert());
    auto answer = f.responder().respond(req.der());
    test::ReadResponse read(*answer.der);
    auto s = read.status(test::cert_id(EVP_sha1(), f.ec_unknown.cert, f.ec.cert()).get());
    REQUIRE(s);
    CHECK(s->cert_status == V_OCSP_CERTSTATUS_REVOKED);
    CHECK(s->reason == OCSP_REVOKED_STATUS_CERTIFICATEHOLD);
    CHECK(s->revoked_at == 0);
    CHECK(read.has_response_extension(NID_id_pkix_OCSP_valid));
}

TEST_CASE("a revocation recorded after a good answer is answered revoked next time", "[live]") {
    Fixture f;
    f.start();
    test::RequestBuilder req;
    req.add(EVP_sha1(), f.ec_good.cert, f.ec.cert());
    CHECK(f.responder().respond(req.der()).outcome == Outcome::good);
    CertRecord r = Fixture::issued(f.ec_good.cert);
    r.state = CertState::revoked;
    r.reason = Reason::superseded;
    r.revoked_at = f.clock.now();
    f.record("ec", f.ec_good.cert, r);
    CHECK(f.responder().respond(req.der()).outcome == Outcome::revoked);
}
