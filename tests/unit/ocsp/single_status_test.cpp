#include "ocsp/single_status.hpp"

#include <catch2/catch.hpp>

#include "tests/support/served_ca.hpp"

using namespace tanda;
using ocsp::Outcome;

namespace {

constexpr UnixSeconds kNow = 1'790'000'000;

struct Fixture {
    test::TempDir dir;
    test::TestCa ca;
    ca::CaOptions options = test::write_ca_files(dir, "t", ca, std::nullopt);
    Bytes cert_id_der{std::byte{0x30}, std::byte{0x00}};

    ca::ServedCa served() {
        return test::load_registry({options}).cas().front();
    }
};

CertRecord issued(UnixSeconds not_after = kNow + 86400) {
    CertRecord r;
    r.state = CertState::issued;
    r.not_after = not_after;
    return r;
}

CertRecord revoked(Reason reason, UnixSeconds at, UnixSeconds not_after = kNow + 86400) {
    CertRecord r = issued(not_after);
    r.state = CertState::revoked;
    r.reason = reason;
    r.revoked_at = at;
    return r;
}

}  // namespace

TEST_CASE("a certificate known to be issued is good, with backdated thisUpdate", "[status]") {
    Fixture f;
    f.options.backdate = std::chrono::minutes(5);
    f.options.response_validity = std::chrono::hours(24);
    auto d = ocsp::decide_status(f.served(), f.cert_id_der, issued(), std::nullopt, kNow);
    CHECK(d.outcome == ocsp::Outcome::good);
    CHECK(d.status.kind == pki::SingleStatusKind::good);
    CHECK(d.status.this_update == kNow - 300);
    CHECK(d.status.next_update == kNow + 86400);
    CHECK_FALSE(d.status.archive_cutoff);
    CHECK_FALSE(d.extended_revoke);
    CHECK(d.status.cert_id_der.data() == f.cert_id_der.data());
}

TEST_CASE("a revoked certificate carries time, reason and invalidity date", "[status]") {
    Fixture f;
    CertRecord r = revoked(Reason::key_compromise, kNow - 1000);
    r.invalidity_date = kNow - 5000;
    auto d = ocsp::decide_status(f.served(), f.cert_id_der, r, std::nullopt, kNow);
    CHECK(d.outcome == ocsp::Outcome::revoked);
    CHECK(d.status.kind == pki::SingleStatusKind::revoked);
    CHECK(d.status.revoked_at == kNow - 1000);
    CHECK(d.status.reason == Reason::key_compromise);
    CHECK(d.status.invalidity_date == kNow - 5000);
}

TEST_CASE("unspecified is expressed by omitting the reason", "[status]") {
    Fixture f;
    auto d = ocsp::decide_status(f.served(), f.cert_id_der, revoked(Reason::unspecified, kNow),
                                 std::nullopt, kNow);
    CHECK(d.status.kind == pki::SingleStatusKind::revoked);
    CHECK_FALSE(d.status.reason);
}

TEST_CASE("a hold is revoked with certificateHold", "[status]") {
    Fixture f;
    auto d = ocsp::decide_status(f.served(), f.cert_id_der,
                                 revoked(Reason::certificate_hold, kNow - 10), std::nullopt, kNow);
    CHECK(d.status.reason == Reason::certificate_hold);
}

TEST_CASE("a serial never seen issued is unknown by default, never good", "[status]") {
    Fixture f;
    auto d = ocsp::decide_status(f.served(), f.cert_id_der, std::nullopt, std::nullopt, kNow);
    CHECK(d.outcome == ocsp::Outcome::unknown);
    CHECK(d.status.kind == pki::SingleStatusKind::unknown);
    CHECK_FALSE(d.extended_revoke);
}

TEST_CASE("unknown_serials: revoked answers RFC 6960 2.2 revoked", "[status]") {
    Fixture f;
    f.options.unknown_serials = ca::UnknownSerialPolicy::revoked;
    auto d = ocsp::decide_status(f.served(), f.cert_id_der, std::nullopt, std::nullopt, kNow);
    CHECK(d.outcome == ocsp::Outcome::revoked);
    CHECK(d.status.kind == pki::SingleStatusKind::revoked);
    CHECK(d.status.revoked_at == 0);
    CHECK(d.status.reason == Reason::certificate_hold);
    CHECK(d.extended_revoke);
}

TEST_CASE("expired certificates under the archive policy keep status with archiveCutoff",
          "[status]") {
    Fixture f;
    SECTION("retention forever: the cutoff is the CA's notBefore") {
        auto served = f.served();
        auto d = ocsp::decide_status(served, f.cert_id_der,
                                     revoked(Reason::superseded, kNow - 99, kNow - 10),
                                     std::nullopt, kNow);
        CHECK(d.status.kind == pki::SingleStatusKind::revoked);
        CHECK(d.status.archive_cutoff == served.issuer.not_before());
    }
    SECTION("a retention period: the cutoff is producedAt minus it") {
        f.options.archive_retention = std::chrono::hours(24 * 365);
        auto d =
            ocsp::decide_status(f.served(), f.cert_id_der, issued(kNow - 10), std::nullopt, kNow);
        CHECK(d.status.kind == pki::SingleStatusKind::good);
        CHECK(d.status.archive_cutoff == kNow - 365 * 86400);
    }
    SECTION("not yet expired: no cutoff") {
        auto d =
            ocsp::decide_status(f.served(), f.cert_id_der, issued(kNow + 10), std::nullopt, kNow);
        CHECK_FALSE(d.status.archive_cutoff);
    }
}

TEST_CASE("expired certificates under the unknown policy are unknown", "[status]") {
    Fixture f;
    f.options.expired = ca::ExpiredPolicy::unknown;
    auto d = ocsp::decide_status(f.served(), f.cert_id_der,
                                 revoked(Reason::key_compromise, kNow - 99, kNow - 1), std::nullopt,
                                 kNow);
    CHECK(d.outcome == ocsp::Outcome::unknown);
    CHECK(d.status.kind == pki::SingleStatusKind::unknown);
}

TEST_CASE("a revoked CA's revocation passes to what it issued, the earliest final one wins",
          "[status][issuer]") {
    Fixture f;
    const ocsp::Revocation ca_revoked{kNow - 500, Reason::ca_compromise, std::nullopt};
    SECTION("a good certificate: revoked at the CA's time for cACompromise") {
        auto d = ocsp::decide_status(f.served(), f.cert_id_der, issued(), ca_revoked, kNow);
        CHECK(d.outcome == Outcome::revoked);
        CHECK(d.status.revoked_at == kNow - 500);
        CHECK(d.status.reason == Reason::ca_compromise);
        CHECK_FALSE(d.status.invalidity_date);
        CHECK_FALSE(d.extended_revoke);
    }
    SECTION("revoked before the CA: its own time, reason and invalidity date") {
        CertRecord r = revoked(Reason::key_compromise, kNow - 900);
        r.invalidity_date = kNow - 1000;
        auto d = ocsp::decide_status(f.served(), f.cert_id_der, r, ca_revoked, kNow);
        CHECK(d.status.revoked_at == kNow - 900);
        CHECK(d.status.reason == Reason::key_compromise);
        CHECK(d.status.invalidity_date == kNow - 1000);
    }
    SECTION("revoked after the CA: the CA's earlier time") {
        auto d = ocsp::decide_status(f.served(), f.cert_id_der,
                                     revoked(Reason::superseded, kNow - 100), ca_revoked, kNow);
        CHECK(d.status.revoked_at == kNow - 500);
        CHECK(d.status.reason == Reason::ca_compromise);
    }
    SECTION("on hold before the CA's final revocation: the final one") {
        auto d =
            ocsp::decide_status(f.served(), f.cert_id_der,
                                revoked(Reason::certificate_hold, kNow - 900), ca_revoked, kNow);
        CHECK(d.status.revoked_at == kNow - 500);
        CHECK(d.status.reason == Reason::ca_compromise);
    }
    SECTION("the CA on hold, the certificate revoked later: its own final revocation") {
        const ocsp::Revocation ca_held{kNow - 500, Reason::certificate_hold, std::nullopt};
        auto d = ocsp::decide_status(f.served(), f.cert_id_der,
                                     revoked(Reason::key_compromise, kNow - 100), ca_held, kNow);
        CHECK(d.status.revoked_at == kNow - 100);
        CHECK(d.status.reason == Reason::key_compromise);
    }
    SECTION("a serial never recorded: revoked in the only form RFC 6960 2.2 allows") {
        auto policy = GENERATE(ca::UnknownSerialPolicy::unknown, ca::UnknownSerialPolicy::revoked);
        f.options.unknown_serials = policy;
        auto d = ocsp::decide_status(f.served(), f.cert_id_der, std::nullopt, ca_revoked, kNow);
        CHECK(d.outcome == Outcome::revoked);
        CHECK(d.status.revoked_at == 0);
        CHECK(d.status.reason == Reason::certificate_hold);
        CHECK(d.extended_revoke);
    }
    SECTION("revoked after the CA with an earlier invalidity date: the CA's time, its date") {
        CertRecord r = revoked(Reason::key_compromise, kNow - 100);
        r.invalidity_date = kNow - 5000;
        auto d = ocsp::decide_status(f.served(), f.cert_id_der, r, ca_revoked, kNow);
        CHECK(d.status.revoked_at == kNow - 500);
        CHECK(d.status.reason == Reason::ca_compromise);
        CHECK(d.status.invalidity_date == kNow - 5000);
    }
    SECTION("expired under the unknown policy: still unknown") {
        f.options.expired = ca::ExpiredPolicy::unknown;
        auto d = ocsp::decide_status(f.served(), f.cert_id_der, issued(kNow - 1), ca_revoked, kNow);
        CHECK(d.outcome == Outcome::unknown);
    }
}

TEST_CASE("issued certificates get cACompromise unless the CA's reason says otherwise",
          "[status][issuer]") {
    CHECK(ocsp::reason_for_issued(Reason::unspecified) == Reason::ca_compromise);
    CHECK(ocsp::reason_for_issued(Reason::key_compromise) == Reason::ca_compromise);
    CHECK(ocsp::reason_for_issued(Reason::ca_compromise) == Reason::ca_compromise);
    CHECK(ocsp::reason_for_issued(Reason::aa_compromise) == Reason::ca_compromise);
    CHECK(ocsp::reason_for_issued(Reason::superseded) == Reason::superseded);
    CHECK(ocsp::reason_for_issued(Reason::cessation_of_operation) ==
          Reason::cessation_of_operation);
    CHECK(ocsp::reason_for_issued(Reason::affiliation_changed) == Reason::affiliation_changed);
    CHECK(ocsp::reason_for_issued(Reason::privilege_withdrawn) == Reason::privilege_withdrawn);
    CHECK(ocsp::reason_for_issued(Reason::certificate_hold) == Reason::certificate_hold);
}
