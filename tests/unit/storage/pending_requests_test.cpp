// Dual control in storage: pending requests, audit entries that change no record, and the one
// predicate (changes_record) the apply path uses.
#include <catch2/catch.hpp>

#include "storage/revocation_index.hpp"
#include "storage_test_support.hpp"

using namespace tanda;
using namespace tanda::storage;
using namespace tanda::storage::test;
using tanda::test::TempDir;

namespace {

constexpr UnixSeconds kNow = 1750000000;

struct Fixture {
    TempDir dir;
    std::unique_ptr<RevocationIndex> index = open_index(dir.path());
    IssuerId ca = *index->ensure_issuer(as_bytes("ca-1"), "CA 1");

    Fixture() {
        auto r =
            index->commit(std::vector{change(ChangeKind::register_certificate, ca, "01", issued())},
                          import_provenance(), kNow - 100);
        REQUIRE(r);
    }

    PendingRequest request(std::string id) const {
        PendingRequest p;
        p.request_id = id;
        p.change = change(ChangeKind::revoke, ca, "01", revoked());
        p.provenance = admin_provenance(id);
        p.provenance.submitted_by_identity = "CN=Operator;spki=aa";
        p.submitted_at = kNow;
        p.expires_at = kNow + 3600;
        return p;
    }

    CertState state() const { return (*index->find(ca, serial("01")))->state; }
    JournalEntry last() const {
        auto head = index->stats()->journal_entries;
        return index->journal(head, 1)->front();
    }
};

}  // namespace

TEST_CASE("changes_record is true for record kinds only", "[pending]") {
    auto [kind, expected] = GENERATE(table<ChangeKind, bool>({
        {ChangeKind::register_certificate, true},
        {ChangeKind::revoke, true},
        {ChangeKind::release, true},
        {ChangeKind::update, true},
        {ChangeKind::submitted, false},
        {ChangeKind::rejected, false},
        {ChangeKind::expired, false},
        {ChangeKind::refused, false},
        {ChangeKind::scheduled, false},
        {ChangeKind::cancel_requested, false},
        {ChangeKind::crl_published, false},
        {ChangeKind::notified, false},
    }));
    CHECK(changes_record(kind) == expected);
}

TEST_CASE("submit journals a pending request and changes no record", "[pending]") {
    Fixture f;
    auto seq = f.index->submit(f.request("r1"), kNow);
    REQUIRE(seq);
    CHECK(f.state() == CertState::issued);
    JournalEntry e = f.last();
    CHECK(e.seq == *seq);
    CHECK(e.change.kind == ChangeKind::submitted);
    CHECK(e.change.record.state == CertState::revoked);  // what was asked for
    CHECK(e.provenance.submitted_by_identity == "CN=Operator;spki=aa");
    CHECK(f.index->verify_journal()->has_value() == false);
    auto found = f.index->find_pending("r1");
    REQUIRE(found);
    REQUIRE(found->has_value());
    CHECK((*found)->state == PendingState::pending);
    CHECK((*found)->seq == *seq);
    CHECK((*found)->expires_at == kNow + 3600);
    CHECK(f.index->pending_requests()->size() == 1);
    CHECK_FALSE(*f.index->find_request("r1"));  // not applied
}

TEST_CASE("submit refuses an id that is pending or applied", "[pending]") {
    Fixture f;
    REQUIRE(f.index->submit(f.request("r1"), kNow));
    CHECK(f.index->submit(f.request("r1"), kNow).error().code == ErrorCode::conflict);
    auto applied = f.index->commit(std::vector{change(ChangeKind::revoke, f.ca, "01", revoked())},
                                   admin_provenance("r2"), kNow);
    REQUIRE(applied);
    CHECK(f.index->submit(f.request("r2"), kNow).error().code == ErrorCode::conflict);
}

TEST_CASE("approve applies the change once, maps the id and ends the pending state", "[pending]") {
    Fixture f;
    REQUIRE(f.index->submit(f.request("r1"), kNow));
    Provenance why = f.request("r1").provenance;
    why.mode = ApprovalMode::dual;
    why.approved_by_identity = "CN=Operator 2;spki=bb";
    auto done = f.index->approve("r1", f.request("r1").change, why, kNow + 10);
    REQUIRE(done);
    CHECK(done->applied == 1);
    CHECK(f.state() == CertState::revoked);
    JournalEntry e = f.last();
    CHECK(e.change.kind == ChangeKind::revoke);
    CHECK(e.provenance.mode == ApprovalMode::dual);
    CHECK(e.provenance.submitted_by_identity == "CN=Operator;spki=aa");
    CHECK(e.provenance.approved_by_identity == "CN=Operator 2;spki=bb");
    CHECK(*f.index->find_request("r1") == e.seq);
    CHECK_FALSE(*f.index->find_pending("r1"));
    CHECK(f.index->approve("r1", f.request("r1").change, why, kNow).error().code ==
          ErrorCode::not_found);
    CHECK(f.index->approve("nope", f.request("r1").change, why, kNow).error().code ==
          ErrorCode::invalid_argument);  // provenance names another request
}

TEST_CASE("approve of a change the record already has writes nothing", "[pending]") {
    Fixture f;
    REQUIRE(f.index->submit(f.request("r1"), kNow));
    REQUIRE(f.index->commit(std::vector{change(ChangeKind::revoke, f.ca, "01", revoked())},
                            admin_provenance("other"), kNow));
    const auto before = f.index->stats()->journal_entries;
    auto done = f.index->approve("r1", f.request("r1").change, f.request("r1").provenance, kNow);
    REQUIRE_FALSE(done);
    CHECK(done.error().code == ErrorCode::conflict);
    CHECK(f.index->stats()->journal_entries == before);
    CHECK((*f.index->find_pending("r1"))->state == PendingState::pending);
    CHECK_FALSE(*f.index->find_request("r1"));
}

TEST_CASE("close_pending journals rejected or expired and keeps the id used", "[pending]") {
    auto [outcome, kind] = GENERATE(table<PendingState, ChangeKind>({
        {PendingState::rejected, ChangeKind::rejected},
        {PendingState::expired, ChangeKind::expired},
    }));
    Fixture f;
    REQUIRE(f.index->submit(f.request("r1"), kNow));
    Provenance why = f.request("r1").provenance;
    why.note = "letter not signed";
    auto seq = f.index->close_pending("r1", outcome, why, kNow + 5);
    REQUIRE(seq);
    CHECK(f.state() == CertState::issued);
    JournalEntry e = f.last();
    CHECK(e.change.kind == kind);
    CHECK(e.provenance.note == "letter not signed");
    auto closed = *f.index->find_pending("r1");
    REQUIRE(closed);
    CHECK(closed->state == outcome);
    CHECK(closed->closed_seq == *seq);
    CHECK(closed->closed_at == kNow + 5);
    CHECK(closed->provenance.note == "letter not signed");
    CHECK(f.index->close_pending("r1", outcome, why, kNow).error().code == ErrorCode::not_found);
    CHECK(f.index->approve("r1", f.request("r1").change, why, kNow).error().code ==
          ErrorCode::not_found);
    CHECK(f.index->submit(f.request("r1"), kNow).error().code == ErrorCode::conflict);
    CHECK(f.index->verify_journal()->has_value() == false);
}

TEST_CASE("append_audit chains a refusal without touching records or request ids", "[pending]") {
    Fixture f;
    Change refused = change(ChangeKind::refused, f.ca, "01", revoked());
    Provenance why = admin_provenance("r9");
    why.note = "subject_dn does not match";
    auto seq = f.index->append_audit(refused, why, kNow);
    REQUIRE(seq);
    CHECK(f.state() == CertState::issued);
    CHECK(f.last().provenance.note == "subject_dn does not match");
    CHECK_FALSE(*f.index->find_request("r9"));
    CHECK(f.index->verify_journal()->has_value() == false);
    // A record kind is not an audit entry, and commit() takes no audit entries.
    CHECK(f.index->append_audit(change(ChangeKind::revoke, f.ca, "01", revoked()), why, kNow)
              .error()
              .code == ErrorCode::invalid_argument);
    CHECK(f.index->commit(std::vector{refused}, why, kNow).error().code ==
          ErrorCode::invalid_argument);
}
