#include <catch2/catch.hpp>

#include "storage/revocation_index.hpp"
#include "storage_test_support.hpp"

using namespace tanda;
using namespace tanda::storage;
using namespace tanda::storage::test;
using tanda::test::TempDir;

namespace {

// Three entries: register 01 and 02, then revoke 01 (request "req-1").
IssuerId seed(RevocationIndex& index) {
    IssuerId issuer = *index.ensure_issuer(as_bytes("ca"), "CA");
    std::vector<Change> registered{
        change(ChangeKind::register_certificate, issuer, "01", issued()),
        change(ChangeKind::register_certificate, issuer, "02", issued())};
    REQUIRE(index.commit(registered, import_provenance(), 100));
    std::vector<Change> revoke{change(ChangeKind::revoke, issuer, "01", revoked())};
    REQUIRE(index.commit(revoke, admin_provenance("req-1"), 200));
    return issuer;
}

}  // namespace

TEST_CASE("Unchanged records are skipped without a journal entry", "[journal]") {
    TempDir dir;
    auto index = open_index(dir.path());
    IssuerId issuer = seed(*index);
    std::vector<Change> again{change(ChangeKind::revoke, issuer, "01", revoked()),
                              change(ChangeKind::register_certificate, issuer, "02", issued()),
                              change(ChangeKind::register_certificate, issuer, "03", issued())};
    auto r = index->commit(again, import_provenance(), 300);
    REQUIRE(r);
    CHECK(r->applied == 1);
    CHECK(r->unchanged == 2);
    CHECK(r->last_seq == 4);
    CHECK(index->find(issuer, serial("01")).value()->last_seq == 3);
    CHECK(index->find(issuer, serial("03")).value()->last_seq == 4);
}

TEST_CASE("Journal entries carry seq, time, provenance and a hash chain", "[journal]") {
    TempDir dir;
    auto index = open_index(dir.path());
    IssuerId issuer = seed(*index);
    auto entries = index->journal(1, 100);
    REQUIRE(entries);
    REQUIRE(entries->size() == 3);
    CHECK((*entries)[0].seq == 1);
    CHECK((*entries)[0].prev_hash == Sha256Digest{});
    CHECK((*entries)[0].time == 100);
    CHECK((*entries)[0].provenance.source == "import:index.txt");
    for (std::size_t i = 1; i < entries->size(); ++i) {
        CHECK((*entries)[i].seq == i + 1);
        CHECK((*entries)[i].prev_hash == (*entries)[i - 1].hash);
    }
    const JournalEntry& last = (*entries)[2];
    CHECK(last.change.kind == ChangeKind::revoke);
    CHECK(last.change.issuer == issuer);
    CHECK(last.change.serial == serial("01"));
    CHECK(last.change.record.same_content(revoked()));
    CHECK(last.provenance.request_id == "req-1");
    CHECK(last.provenance.approved_by == "ra-bob");
    CHECK(last.time == 200);

    CHECK(index->journal(2, 1)->size() == 1);
    CHECK(index->journal(2, 1)->front().seq == 2);
    CHECK(index->journal(4, 10)->empty());
    CHECK(index->journal(0, 0)->empty());
    CHECK(index->verify_journal().value() == std::nullopt);
}

TEST_CASE("Request ids map to their seq and conflict when reused", "[journal]") {
    TempDir dir;
    auto index = open_index(dir.path());
    IssuerId issuer = seed(*index);
    CHECK(index->find_request("req-1").value() == 3u);
    CHECK(index->find_request("req-2").value() == std::nullopt);

    std::vector<Change> other{change(ChangeKind::revoke, issuer, "02", revoked())};
    auto r = index->commit(other, admin_provenance("req-1"), 300);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::conflict);
    CHECK(index->find(issuer, serial("02")).value()->state == CertState::issued);
    CHECK(index->stats()->journal_entries == 3);

    // A request that changes nothing still records its id, at the current head.
    std::vector<Change> same{change(ChangeKind::revoke, issuer, "01", revoked())};
    auto noop = index->commit(same, admin_provenance("req-2"), 300);
    REQUIRE(noop);
    CHECK(noop->applied == 0);
    CHECK(index->find_request("req-2").value() == 3u);
}

TEST_CASE("A failing change aborts the whole commit", "[journal]") {
    TempDir dir;
    auto index = open_index(dir.path());
    IssuerId issuer = seed(*index);
    std::vector<Change> changes{
        change(ChangeKind::revoke, issuer, "02", revoked()),
        change(ChangeKind::register_certificate, issuer + 7, "09", issued())};
    auto r = index->commit(changes, admin_provenance("req-9"), 400);
    REQUIRE_FALSE(r);
    CHECK(index->find(issuer, serial("02")).value()->state == CertState::issued);
    CHECK(index->find_request("req-9").value() == std::nullopt);
    CHECK(index->stats()->journal_entries == 3);
    CHECK(index->verify_journal().value() == std::nullopt);
}

TEST_CASE("Several changes of one serial in one commit each get an entry", "[journal]") {
    TempDir dir;
    auto index = open_index(dir.path());
    IssuerId issuer = *index->ensure_issuer(as_bytes("ca"), "CA");
    std::vector<Change> changes{
        change(ChangeKind::register_certificate, issuer, "0A", issued()),
        change(ChangeKind::revoke, issuer, "0A", revoked(Reason::certificate_hold)),
        change(ChangeKind::release, issuer, "0A", issued()),
        change(ChangeKind::release, issuer, "0A", issued())};
    auto r = index->commit(changes, import_provenance(), 5);
    REQUIRE(r);
    CHECK(r->applied == 3);
    CHECK(r->unchanged == 1);
    auto rec = index->find(issuer, serial("0A")).value();
    CHECK(rec->state == CertState::issued);
    CHECK(rec->last_seq == 3);
}

TEST_CASE("A bulk commit of 100k changes applies in one transaction", "[journal][bulk]") {
    TempDir dir;
    auto index = open_index(dir.path(), std::size_t{1} << 28);
    IssuerId issuer = *index->ensure_issuer(as_bytes("ca"), "CA");
    std::vector<Change> changes;
    changes.reserve(100000);
    for (std::uint32_t i = 0; i < 100000; ++i) {
        const std::byte magnitude[] = {std::byte(i >> 16), std::byte(i >> 8), std::byte(i),
                                       std::byte{1}};
        changes.push_back(Change{ChangeKind::register_certificate, issuer,
                                 Serial::from_magnitude(magnitude),
                                 issued("CN=user" + std::to_string(i) + ",O=Example,C=ID")});
    }
    auto r = index->commit(changes, import_provenance(), 10);
    REQUIRE(r);
    CHECK(r->applied == 100000);
    CHECK(r->last_seq == 100000);
    auto again = index->commit(changes, import_provenance(), 11);
    REQUIRE(again);
    CHECK(again->unchanged == 100000);
    CHECK(index->stats()->records == 100000);
    CHECK(index->verify_journal().value() == std::nullopt);
}

TEST_CASE("verify_journal finds the first tampered, missing or corrupt entry", "[journal]") {
    TempDir dir;
    {
        auto index = open_index(dir.path());
        seed(*index);
        REQUIRE(index->verify_journal().value() == std::nullopt);
    }
    std::uint64_t expected = 0;
    SECTION("a flipped byte in an entry body") {
        expected = 2;
        with_raw_env(dir.path(), [](MDB_txn* txn) {
            MDB_dbi journal = raw_dbi(txn, "journal");
            std::string key = seq_key(2);
            MDB_val k = val(key), v;
            REQUIRE(mdb_get(txn, journal, &k, &v) == 0);
            std::string copy(static_cast<const char*>(v.mv_data), v.mv_size);
            copy[32 + 1 + 8] ^= 0x01;  // the entry's time
            MDB_val nv = val(copy);
            REQUIRE(mdb_put(txn, journal, &k, &nv, 0) == 0);
        });
    }
    SECTION("a deleted entry (gap in seq)") {
        expected = 2;
        with_raw_env(dir.path(), [](MDB_txn* txn) {
            std::string key = seq_key(2);
            MDB_val k = val(key);
            REQUIRE(mdb_del(txn, raw_dbi(txn, "journal"), &k, nullptr) == 0);
        });
    }
    SECTION("a deleted last entry") {
        expected = 3;
        with_raw_env(dir.path(), [](MDB_txn* txn) {
            std::string key = seq_key(3);
            MDB_val k = val(key);
            REQUIRE(mdb_del(txn, raw_dbi(txn, "journal"), &k, nullptr) == 0);
        });
    }
    SECTION("an undecodable entry") {
        expected = 1;
        with_raw_env(dir.path(), [](MDB_txn* txn) {
            std::string key = seq_key(1), garbage = "not an entry";
            MDB_val k = val(key), v = val(garbage);
            REQUIRE(mdb_put(txn, raw_dbi(txn, "journal"), &k, &v, 0) == 0);
        });
    }
    auto index = open_index(dir.path());
    auto bad = index->verify_journal();
    REQUIRE(bad);
    CHECK(*bad == expected);
}

TEST_CASE("Commit observers see exactly the applied changes, after they are durable",
          "[journal][observer]") {
    TempDir dir;
    auto index = open_index(dir.path());
    std::vector<CommittedChange> seen;
    int calls = 0;
    RevocationIndex* raw = index.get();
    IssuerId issuer = *index->ensure_issuer(as_bytes("ca"), "CA");
    index->add_commit_observer([&](std::span<const CommittedChange> changes) {
        ++calls;
        for (const auto& c : changes) {
            // Already visible to readers when the observer runs.
            auto record = raw->find(c.issuer, c.serial);
            REQUIRE(record);
            REQUIRE(*record);
            CHECK((*record)->last_seq == c.seq);
            seen.push_back(c);
        }
    });
    std::vector<Change> first{change(ChangeKind::register_certificate, issuer, "01", issued()),
                              change(ChangeKind::register_certificate, issuer, "02", issued())};
    REQUIRE(index->commit(first, import_provenance(), 100));
    REQUIRE(calls == 1);
    REQUIRE(seen.size() == 2);
    CHECK(seen[1].serial == serial("02"));
    CHECK(seen[1].seq == 2);

    std::vector<Change> same{change(ChangeKind::register_certificate, issuer, "01", issued())};
    REQUIRE(index->commit(same, import_provenance(), 100));
    CHECK(calls == 1);  // nothing applied: nobody is told

    std::vector<Change> bad{change(ChangeKind::revoke, issuer, "01", issued())};
    REQUIRE_FALSE(index->commit(bad, import_provenance(), 100));
    CHECK(calls == 1);  // aborted: nobody is told

    // Observers learn what the change made of the record (metrics count revocations by it).
    std::vector<Change> revoke{
        change(ChangeKind::revoke, issuer, "02", revoked(Reason::ca_compromise))};
    REQUIRE(index->commit(revoke, import_provenance(), 100));
    REQUIRE(seen.size() == 3);
    CHECK(seen[2].kind == ChangeKind::revoke);
    CHECK(seen[2].state == CertState::revoked);
    CHECK(seen[2].reason == Reason::ca_compromise);
    CHECK(seen[0].state == CertState::issued);
}
