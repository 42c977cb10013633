#include "ocsp/issuer_revocation.hpp"

#include <catch2/catch.hpp>

#include "ocsp/ocsp_service.hpp"
#include "tests/support/fake_clock.hpp"
#include "tests/support/served_ca.hpp"
#include "tests/unit/ocsp/live_fixture.hpp"
#include "tests/unit/ocsp/ocsp_client.hpp"

using namespace tanda;
using ocsp::Outcome;

namespace {

// A root that issued an intermediate, which issued an issuing CA: all three served, answers
// cached, as `tanda serve` wires them.
struct ChainFixture {
    test::TempDir dir;
    test::FakeClock clock{SystemClock().now()};
    Logger logger{LogLevel::error};
    test::TestCa root{pki::KeyType::ec_p256, "CN=Root CA,O=Tanda Test,C=ID"};
    test::TestCa sub{root, pki::KeyType::ec_p256, "CN=Intermediate CA,O=Tanda Test,C=ID"};
    test::TestCa issuing{sub, pki::KeyType::ec_p256, "CN=Issuing CA,O=Tanda Test,C=ID"};
    test::IssuedCert sub_leaf = sub.issue("CN=sub leaf");
    test::IssuedCert sub_revoked = sub.issue("CN=sub leaf revoked before");
    test::IssuedCert sub_unrecorded = sub.issue("CN=sub leaf never recorded");
    test::IssuedCert issuing_leaf = issuing.issue("CN=issuing leaf");
    std::vector<ca::CaOptions> options{write_ca_files(dir, "root", root, std::nullopt),
                                       write_ca_files(dir, "sub", sub, std::nullopt),
                                       write_ca_files(dir, "issuing", issuing, std::nullopt)};
    std::unique_ptr<storage::RevocationIndex> index;
    std::shared_ptr<ca::CaRegistry> registry;
    test::ServingStack stack;

    void start() {
        index = test::must(storage::RevocationIndex::open({(dir / "db").string(), 1 << 24, 126}));
        registry = std::make_shared<ca::CaRegistry>(test::load_registry(options));
        test::must(ca::bind_storage(*registry, *index, clock.now()));
        record("sub", sub_leaf.cert, CertState::issued, Reason::unspecified, 0);
        record("sub", sub_revoked.cert, CertState::revoked, Reason::key_compromise,
               clock.now() - 7200);
        record("issuing", issuing_leaf.cert, CertState::issued, Reason::unspecified, 0);
        stack.serve(registry, *index, clock, logger);
    }
    void record(const std::string& ca, const pki::Certificate& c, CertState state, Reason reason,
                UnixSeconds at) {
        CertRecord r;
        r.state = state;
        r.reason = reason;
        r.revoked_at = at;
        r.not_after = c.not_after();
        r.subject = c.subject();
        storage::Change change{storage::ChangeKind::update, registry->find_by_name(ca)->issuer_id,
                               c.serial(), r};
        test::must(index->commit({&change, 1}, storage::Provenance{}, clock.now()));
    }
    // The status of `leaf` as `issuer` answers it through the cache, and the signature checked.
    test::ReadStatus status(const test::IssuedCert& leaf, const test::TestCa& issuer) {
        test::RequestBuilder req;
        req.add(EVP_sha256(), leaf.cert, issuer.cert());
        auto served = test::ask(*stack.service, req.der());
        test::ReadResponse read(*served->answer.der);
        REQUIRE(read.response_status() == OCSP_RESPONSE_STATUS_SUCCESSFUL);
        CHECK(read.verifies(issuer.cert()));
        auto s = read.status(test::cert_id(EVP_sha256(), leaf.cert, issuer.cert()).get());
        REQUIRE(s);
        return *s;
    }
};

}  // namespace

TEST_CASE("each served CA knows where its own and its ancestors' certificates are recorded",
          "[issuer]") {
    ChainFixture f;
    f.start();
    CHECK(f.registry->find_by_name("root")->ancestry.empty());  // self-signed: no parent
    const auto& sub = f.registry->find_by_name("sub")->ancestry;
    REQUIRE(sub.size() == 1);
    CHECK(sub[0].issuer_id == f.registry->find_by_name("root")->issuer_id);
    CHECK(sub[0].serial == f.sub.cert().serial());
    const auto& issuing = f.registry->find_by_name("issuing")->ancestry;
    REQUIRE(issuing.size() == 2);
    CHECK(issuing[0].serial == f.issuing.cert().serial());
    CHECK(issuing[1].serial == f.sub.cert().serial());
    CHECK(f.registry->is_served_ca_certificate(issuing[0].issuer_id, issuing[0].serial));
    CHECK_FALSE(
        f.registry->is_served_ca_certificate(issuing[0].issuer_id, f.sub_leaf.cert.serial()));
}

TEST_CASE("a CA its served parent revokes takes what it issued with it, cached answers too",
          "[issuer]") {
    ChainFixture f;
    f.start();
    CHECK(f.status(f.sub_leaf, f.sub).cert_status == V_OCSP_CERTSTATUS_GOOD);
    CHECK(f.status(f.issuing_leaf, f.issuing).cert_status == V_OCSP_CERTSTATUS_GOOD);
    CHECK(f.status(f.sub_leaf, f.sub).cert_status == V_OCSP_CERTSTATUS_GOOD);  // from the cache
    REQUIRE(f.stack.cache->stats().hits == 1);

    const UnixSeconds at = f.clock.now() - 600;
    f.record("root", f.sub.cert(), CertState::revoked, Reason::key_compromise, at);

    auto leaf = f.status(f.sub_leaf, f.sub);
    CHECK(leaf.cert_status == V_OCSP_CERTSTATUS_REVOKED);
    CHECK(leaf.revoked_at == at);
    CHECK(leaf.reason == OCSP_REVOKED_STATUS_CACOMPROMISE);
    // Revoked before the CA: its own time and reason stand.
    auto before = f.status(f.sub_revoked, f.sub);
    CHECK(before.revoked_at == f.clock.now() - 7200);
    CHECK(before.reason == OCSP_REVOKED_STATUS_KEYCOMPROMISE);
    // The CA's key may have signed what was never recorded: RFC 6960 2.2's revoked.
    auto unrecorded = f.status(f.sub_unrecorded, f.sub);
    CHECK(unrecorded.cert_status == V_OCSP_CERTSTATUS_REVOKED);
    CHECK(unrecorded.reason == OCSP_REVOKED_STATUS_CERTIFICATEHOLD);
    CHECK(unrecorded.revoked_at == 0);
    // Below the revoked intermediate too.
    auto below = f.status(f.issuing_leaf, f.issuing);
    CHECK(below.cert_status == V_OCSP_CERTSTATUS_REVOKED);
    CHECK(below.revoked_at == at);
    CHECK(below.reason == OCSP_REVOKED_STATUS_CACOMPROMISE);
    // The parent's own answer for the CA's certificate is the plain revocation.
    auto own = f.status(test::IssuedCert{f.sub.key(), f.sub.cert()}, f.root);
    CHECK(own.reason == OCSP_REVOKED_STATUS_KEYCOMPROMISE);
}

TEST_CASE("a CA put on hold holds what it issued until it is released", "[issuer]") {
    ChainFixture f;
    f.start();
    CHECK(f.status(f.sub_leaf, f.sub).cert_status == V_OCSP_CERTSTATUS_GOOD);
    f.record("root", f.sub.cert(), CertState::revoked, Reason::certificate_hold,
             f.clock.now() - 60);
    auto held = f.status(f.sub_leaf, f.sub);
    CHECK(held.cert_status == V_OCSP_CERTSTATUS_REVOKED);
    CHECK(held.reason == OCSP_REVOKED_STATUS_CERTIFICATEHOLD);
    f.record("root", f.sub.cert(), CertState::issued, Reason::unspecified, 0);
    CHECK(f.status(f.sub_leaf, f.sub).cert_status == V_OCSP_CERTSTATUS_GOOD);
    CHECK(f.status(f.sub_unrecorded, f.sub).cert_status == V_OCSP_CERTSTATUS_UNKNOWN);
}

TEST_CASE("the operator's reason for the CA passes on when it is not a compromise", "[issuer]") {
    ChainFixture f;
    f.start();
    f.record("root", f.sub.cert(), CertState::revoked, Reason::cessation_of_operation,
             f.clock.now() - 60);
    CHECK(f.status(f.sub_leaf, f.sub).reason == OCSP_REVOKED_STATUS_CESSATIONOFOPERATION);
}

TEST_CASE("issuer_revocation: ignore keeps each certificate's own status", "[issuer]") {
    ChainFixture f;
    f.options[1].issuer_revocation = ca::IssuerRevocationPolicy::ignore;
    f.start();
    f.record("root", f.sub.cert(), CertState::revoked, Reason::ca_compromise, f.clock.now() - 60);
    CHECK(f.status(f.sub_leaf, f.sub).cert_status == V_OCSP_CERTSTATUS_GOOD);
    CHECK(f.status(f.sub_unrecorded, f.sub).cert_status == V_OCSP_CERTSTATUS_UNKNOWN);
    // The issuing CA below keeps the default: it follows the intermediate's revocation.
    CHECK(f.status(f.issuing_leaf, f.issuing).cert_status == V_OCSP_CERTSTATUS_REVOKED);
}
