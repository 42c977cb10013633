// Cluster mode of the index: write commands, the replicator path of every write method, and
// apply_replicated() on another node folding the same journal and records.
#include <catch2/catch.hpp>

#include "storage/replicator.hpp"
#include "storage/write_command.hpp"
#include "storage_test_support.hpp"

using namespace tanda;
using namespace tanda::storage;
using namespace tanda::storage::test;
using tanda::test::TempDir;

namespace {

// A storage call refused with `code` (the call's result is not needed afterwards).
template <typename T>
bool refused_with(const Result<T>& r, ErrorCode code) {
    return !r && r.error().code == code;
}

constexpr UnixSeconds kNow = 1750000000;

// The stream, in memory: each command gets the next sequence and is applied at once.
class InMemoryOrder final : public Replicator {
public:
    std::vector<Bytes> stream;
    bool unreachable = false;

    Result<void> replicate(ByteView command,
                           const std::function<void(StreamPosition)>& apply) override {
        if (unreachable) return fail(ErrorCode::unavailable, "no quorum");
        stream.emplace_back(command.begin(), command.end());
        apply({stream.size(), 0, 1});
        return {};
    }
};

// Node a writes through the order; node b applies what the order holds.
struct TwoNodes {
    TempDir dir_a, dir_b;
    std::unique_ptr<RevocationIndex> a = open_index(dir_a.path());
    std::unique_ptr<RevocationIndex> b = open_index(dir_b.path());
    InMemoryOrder order;

    TwoNodes() { a->set_replicator(&order); }
};

Bytes encoded(const WriteCommand& c) {
    Bytes out;
    encode_command(c, out);
    return out;
}

PendingRequest pending(IssuerId ca, std::string id) {
    PendingRequest p;
    p.request_id = id;
    p.change = change(ChangeKind::revoke, ca, "02", revoked());
    p.provenance = admin_provenance(id);
    p.provenance.submitted_by_identity = "CN=Operator;spki=aa";
    p.submitted_at = kNow;
    p.expires_at = kNow + 3600;
    return p;
}

// Node a writes three commands (an issuer, then meta k = "1", then k = "2": stream 1 to 3);
// node b applies the first.
void write_three_on_a_and_apply_one_on_b(TwoNodes& nodes) {
    REQUIRE(nodes.a->ensure_issuer(as_bytes("ca-1"), "CA 1"));
    REQUIRE(nodes.a->put_meta("k", "1"));
    REQUIRE(nodes.a->put_meta("k", "2"));
    REQUIRE(nodes.b->apply_replicated(nodes.order.stream[0], {1, 0, 1}));
}

}  // namespace

TEST_CASE("every write command survives encoding unchanged", "[storage][cluster]") {
    const IssuerId ca = 3;
    Provenance why = admin_provenance("r-1");
    why.mode = ApprovalMode::dual;
    why.note = "checked";
    std::vector<WriteCommand> commands{
        EnsureIssuerCommand{Bytes{std::byte{1}, std::byte{2}}, "CA 1"},
        CommitCommand{{change(ChangeKind::register_certificate, ca, "01", issued()),
                       change(ChangeKind::revoke, ca, "7F01", revoked())},
                      why,
                      kNow},
        CommitCommand{{}, why, kNow},
        SubmitCommand{pending(ca, "r-2"), kNow},
        ApproveCommand{"r-2", change(ChangeKind::revoke, ca, "02", revoked()), why, kNow},
        ClosePendingCommand{"r-3", PendingState::expired, why, kNow},
        AppendAuditCommand{change(ChangeKind::refused, ca, "02", revoked()), why, kNow},
        AppendAuditCommand{change(ChangeKind::scheduled, ca, "02", revoked()), why, kNow,
                           "schedule:r-2", "approved"},
        PutMetaCommand{"status/ab", std::string(70000, 'x')},
        MetaCounterCommand{"crl/1/number", 41, false},
        MetaCounterCommand{"crl/1/number", 1000, true},
    };
    for (const auto& command : commands) {
        Bytes bytes = encoded(command);
        auto decoded = decode_command(bytes);
        REQUIRE(decoded);
        CHECK(decoded->index() == command.index());
        CHECK(encoded(*decoded) == bytes);
    }
}

TEST_CASE("a malformed write command is refused as incompatible", "[storage][cluster]") {
    Bytes bytes = encoded(PutMetaCommand{"k", "v"});
    Bytes truncated(bytes.begin(), bytes.end() - 1);
    Bytes trailing = bytes;
    trailing.push_back(std::byte{0});
    Bytes unknown = bytes;
    unknown[1] = std::byte{99};
    for (const Bytes& bad : {truncated, trailing, unknown, Bytes{}}) {
        CHECK(refused_with(decode_command(bad), ErrorCode::incompatible));
    }
}

TEST_CASE("a second node applying the stream folds the same journal, records and metadata",
          "[storage][cluster]") {
    TwoNodes nodes;
    auto& a = nodes.a;
    auto& b = nodes.b;
    auto& order = nodes.order;

    auto ca = a->ensure_issuer(as_bytes("ca-1"), "CA 1");
    REQUIRE(ca);
    REQUIRE(a->commit(std::vector{change(ChangeKind::register_certificate, *ca, "01", issued()),
                                  change(ChangeKind::register_certificate, *ca, "02", issued())},
                      import_provenance(), kNow - 10));
    REQUIRE(a->commit(std::vector{change(ChangeKind::revoke, *ca, "01", revoked())},
                      admin_provenance("r-1"), kNow));
    REQUIRE(a->submit(pending(*ca, "r-2"), kNow));
    Provenance approval = admin_provenance("r-2");
    approval.mode = ApprovalMode::dual;
    REQUIRE(a->approve("r-2", change(ChangeKind::revoke, *ca, "02", revoked()), approval, kNow));
    REQUIRE(a->put_meta("status/ab", "r-2"));
    REQUIRE(a->append_audit_with_meta(change(ChangeKind::scheduled, *ca, "01", revoked()),
                                      admin_provenance("r-9"), kNow, "schedule:r-9", "s"));
    CHECK(*a->next_meta_counter("crl/1/number") == 1);
    CHECK(*a->raise_meta_counter("crl/1/number", 40) == 40);
    CHECK(*a->next_meta_counter("crl/1/number") == 41);
    // Refused by the state (a used request id): the writer hears why, the stream keeps it.
    CHECK(refused_with(a->commit(std::vector{change(ChangeKind::revoke, *ca, "02", revoked())},
                                 admin_provenance("r-1"), kNow),
                       ErrorCode::conflict));

    REQUIRE(order.stream.size() == 11);
    CHECK(*a->applied_stream_seq() == 11);
    for (std::size_t i = 0; i < order.stream.size(); ++i) {
        auto applied = b->apply_replicated(order.stream[i], {i + 1, 0, 1});
        REQUIRE(applied);
    }
    CHECK(*b->applied_stream_seq() == 11);
    CHECK(*b->get_meta("schedule:r-9") == "s");
    auto head_a = *a->journal_head();
    auto head_b = *b->journal_head();
    CHECK(head_a.seq == head_b.seq);
    CHECK(head_a.hash == head_b.hash);
    CHECK(head_a.seq == 6);  // 2 registrations, a revocation, submitted, approved, scheduled;
                             // a refusal writes none
    CHECK(*b->verify_journal() == std::nullopt);
    CHECK(*b->verify_records() == std::nullopt);
    auto ca_b = b->find_issuer(as_bytes("ca-1"));
    REQUIRE(*ca_b == *ca);
    CHECK((*b->find(*ca, serial("02")))->state == CertState::revoked);
    CHECK(*b->get_meta("status/ab") == "r-2");
    CHECK(*b->get_meta("crl/1/number") == "41");
    CHECK(*b->find_request("r-2") == *a->find_request("r-2"));
}

TEST_CASE("a stream sequence applied already, or after a gap, writes nothing",
          "[storage][cluster]") {
    TwoNodes nodes;
    write_three_on_a_and_apply_one_on_b(nodes);
    auto& b = nodes.b;
    auto& order = nodes.order;
    CHECK(refused_with(b->apply_replicated(order.stream[2], {3, 0, 1}), ErrorCode::conflict));
    CHECK(*b->get_meta("k") == std::nullopt);
    REQUIRE(b->apply_replicated(order.stream[1], {2, 0, 1}));
    CHECK(refused_with(b->apply_replicated(order.stream[1], {2, 0, 1}), ErrorCode::conflict));
    CHECK(*b->applied_stream_seq() == 2);
    CHECK(*b->get_meta("k") == "1");
}

TEST_CASE("a skipped message records its position whole and runs none of its commands",
          "[storage][cluster]") {
    TwoNodes nodes;
    write_three_on_a_and_apply_one_on_b(nodes);
    auto& b = nodes.b;
    auto& order = nodes.order;
    CHECK(refused_with(b->skip_replicated(3, 2), ErrorCode::conflict));  // does not follow 1
    REQUIRE(b->skip_replicated(2, 3));  // a message of three commands, none run
    auto at = b->applied_stream_position();
    REQUIRE(at);
    CHECK((at->seq == 2 && at->index == 2 && at->count == 3));
    CHECK(*b->get_meta("k") == std::nullopt);
    REQUIRE(b->apply_replicated(order.stream[2], {3, 0, 1}));
    CHECK(*b->get_meta("k") == "2");
    CHECK_FALSE(b->skip_replicated(3, 1));  // applied already
}

TEST_CASE("a write the cluster cannot order is refused and writes nothing", "[storage][cluster]") {
    TempDir dir;
    auto a = open_index(dir.path());
    InMemoryOrder order;
    a->set_replicator(&order);
    auto ca = *a->ensure_issuer(as_bytes("ca-1"), "CA 1");
    order.unreachable = true;
    CHECK(refused_with(
        a->commit(std::vector{change(ChangeKind::register_certificate, ca, "01", issued())},
                  import_provenance(), kNow),
        ErrorCode::unavailable));
    CHECK(*a->find(ca, serial("01")) == std::nullopt);
    CHECK(a->journal_head()->seq == 0);
    // An issuer already recorded is found without asking the cluster.
    CHECK(*a->ensure_issuer(as_bytes("ca-1"), "CA 1") == ca);
}

TEST_CASE("an audit entry and the metadata it records are written together or not at all",
          "[storage][cluster]") {
    TempDir dir;
    auto index = open_index(dir.path());
    auto ca = *index->ensure_issuer(as_bytes("ca-1"), "CA 1");
    auto seq = index->append_audit_with_meta(change(ChangeKind::scheduled, ca, "01", revoked()),
                                             admin_provenance("r-1"), kNow, "schedule:r-1", "x");
    REQUIRE(seq);
    CHECK(*index->get_meta("schedule:r-1") == "x");
    CHECK(index->journal_head()->seq == *seq);
    // A reserved key refuses the whole write: no entry either.
    auto refused =
        index->append_audit_with_meta(change(ChangeKind::scheduled, ca, "01", revoked()),
                                      admin_provenance("r-2"), kNow, "tanda.journal_head", "x");
    REQUIRE_FALSE(refused);
    CHECK(index->journal_head()->seq == *seq);
}

TEST_CASE("a request's notified entry is written once: a second is refused with no entry",
          "[storage][cluster]") {
    TempDir dir;
    auto index = open_index(dir.path());
    auto ca = *index->ensure_issuer(as_bytes("ca-1"), "CA 1");
    auto told = change(ChangeKind::notified, ca, "01", revoked());
    auto seq = index->append_audit_with_meta(told, admin_provenance("r-1"), kNow, "notified:r-1",
                                             "1700000000");
    REQUIRE(seq);
    CHECK(refused_with(index->append_audit_with_meta(told, admin_provenance("r-1"), kNow + 1,
                                                     "notified:r-1", "1700000001"),
                       ErrorCode::conflict));
    CHECK(index->journal_head()->seq == *seq);
    CHECK(*index->get_meta("notified:r-1") == "1700000000");
}

TEST_CASE("a crl_published audit entry goes through the stream; the other node chains it too",
          "[storage][cluster]") {
    TwoNodes nodes;
    auto ca = *nodes.a->ensure_issuer(as_bytes("ca-1"), "CA 1");
    REQUIRE(
        nodes.a->commit(std::vector{change(ChangeKind::register_certificate, ca, "01", issued())},
                        import_provenance(), kNow - 10));
    REQUIRE(nodes.a->commit(std::vector{change(ChangeKind::revoke, ca, "01", revoked())},
                            admin_provenance("r-1"), kNow));
    Provenance crl;
    crl.source = "crl;number=5;this_update=1750000060;delta=0;after_seq=0;covered_seq=2";
    auto seq = nodes.a->append_audit(change(ChangeKind::crl_published, ca, "05", issued("")), crl,
                                     kNow + 60);
    REQUIRE(seq);
    CHECK(*seq == 3);
    REQUIRE(nodes.order.stream.size() == 4);  // the issuer, two commits, the audit entry
    for (std::size_t i = 0; i < nodes.order.stream.size(); ++i) {
        REQUIRE(nodes.b->apply_replicated(nodes.order.stream[i], {i + 1, 0, 1}));
    }
    auto entry = nodes.b->journal(3, 1)->front();
    CHECK(entry.change.kind == ChangeKind::crl_published);
    CHECK(entry.time == kNow + 60);
    CHECK(entry.provenance.source == crl.source);
    CHECK(nodes.b->journal_head()->hash == nodes.a->journal_head()->hash);
    CHECK(*nodes.b->verify_journal() == std::nullopt);
    CHECK(*nodes.b->verify_records() == std::nullopt);  // it changed no record
    CHECK((*nodes.b->find(ca, serial("05"))) == std::nullopt);
}

TEST_CASE(
    "the commands of one stream message apply in order, and the next message only after "
    "the last of them",
    "[storage][cluster]") {
    TempDir dir;
    auto index = open_index(dir.path());
    Bytes one, two, three;
    encode_command(PutMetaCommand{"k", "1"}, one);
    encode_command(PutMetaCommand{"k", "2"}, two);
    encode_command(PutMetaCommand{"k", "3"}, three);
    REQUIRE(index->apply_replicated(one, {1, 0, 2}));
    CHECK(*index->applied_stream_seq() == 0);  // message 1 is not complete yet
    CHECK(refused_with(index->apply_replicated(three, {2, 0, 1}), ErrorCode::conflict));
    auto skipped = index->apply_replicated(three, {1, 2, 3});
    REQUIRE_FALSE(skipped);
    REQUIRE(index->apply_replicated(two, {1, 1, 2}));
    CHECK(*index->applied_stream_seq() == 1);
    auto again = index->apply_replicated(two, {1, 1, 2});
    REQUIRE_FALSE(again);
    CHECK_THAT(again.error().message, Catch::Contains("was applied already"));
    REQUIRE(index->apply_replicated(three, {2, 0, 1}));
    CHECK(*index->get_meta("k") == "3");
    auto at = *index->applied_stream_position();
    CHECK((at.seq == 2 && at.index == 0 && at.count == 1));
}
