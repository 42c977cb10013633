#include <catch2/catch.hpp>

#include "storage/revocation_index.hpp"
#include "storage_test_support.hpp"

using namespace tanda;
using namespace tanda::storage;
using namespace tanda::storage::test;
using tanda::test::TempDir;

namespace {

// Four entries: register 01, 02 and 03, then revoke 02 (seq 4, request "req-1").
IssuerId seed(RevocationIndex& index) {
    IssuerId issuer = *index.ensure_issuer(as_bytes("ca"), "CA");
    std::vector<Change> registered{
        change(ChangeKind::register_certificate, issuer, "01", issued()),
        change(ChangeKind::register_certificate, issuer, "02", issued()),
        change(ChangeKind::register_certificate, issuer, "03", issued())};
    REQUIRE(index.commit(registered, import_provenance(), 100));
    std::vector<Change> revoke{change(ChangeKind::revoke, issuer, "02", revoked())};
    REQUIRE(index.commit(revoke, admin_provenance("req-1"), 200));
    return issuer;
}

// Record key of issuer 1 and a one-byte serial (FORMAT.md, "Certificate record").
std::string record_key(char serial) { return std::string("\0\0\0\1", 4) + serial; }

// Runs `edit` on a copy of the stored record of serial `serial` and stores the copy.
void edit_record(const std::filesystem::path& dir, char serial,
                 const std::function<void(std::string&)>& edit) {
    with_raw_env(dir, [&](MDB_txn* txn) {
        MDB_dbi records = raw_dbi(txn, "records");
        std::string key = record_key(serial);
        MDB_val k = val(key), v;
        REQUIRE(mdb_get(txn, records, &k, &v) == 0);
        std::string copy(static_cast<const char*>(v.mv_data), v.mv_size);
        edit(copy);
        MDB_val nv = val(copy);
        REQUIRE(mdb_put(txn, records, &k, &nv, 0) == 0);
    });
}

RecordDifference first_difference(const std::filesystem::path& dir) {
    auto index = open_index(dir);
    // The hash chain is intact in every case: only the refold can see these edits.
    REQUIRE(index->verify_journal().value() == std::nullopt);
    auto diff = index->verify_records();
    REQUIRE(diff);
    REQUIRE(diff->has_value());
    return **diff;
}

}  // namespace

TEST_CASE("A clean index refolds to exactly its records", "[journal][refold]") {
    TempDir dir;
    auto index = open_index(dir.path());
    CHECK(index->verify_records().value() == std::nullopt);  // empty journal, no records
    IssuerId issuer = seed(*index);
    std::vector<Change> more{
        change(ChangeKind::revoke, issuer, "03", revoked(Reason::certificate_hold)),
        change(ChangeKind::release, issuer, "03", issued()),
        change(ChangeKind::register_certificate, issuer, "0100", issued("CN=Bob"))};
    REQUIRE(index->commit(more, admin_provenance("req-2"), 300));
    CHECK(index->verify_records().value() == std::nullopt);
}

TEST_CASE("A record un-revoked behind the index's back is found", "[journal][refold]") {
    TempDir dir;
    {
        auto index = open_index(dir.path());
        seed(*index);
    }
    edit_record(dir.path(), '\x02', [](std::string& r) {
        r[9] = 1;                                         // state: issued
        r[10] = 0;                                        // reason: unspecified
        std::fill(r.begin() + 12, r.begin() + 20, '\0');  // revoked_at
    });
    RecordDifference d = first_difference(dir.path());
    CHECK(d.issuer == 1);
    CHECK(d.serial.to_hex() == "02");
    CHECK(d.field == "state");
    CHECK(d.journal_seq == 4);
}

TEST_CASE("The first differing field of an edited record is named", "[journal][refold]") {
    auto [offset, value, field] = GENERATE(table<std::size_t, char, std::string>({
        {1, 9, "last_seq"},
        {10, 0, "reason"},
        {11, '\x80', "encoding"},  // an unknown flag: the stored record does not decode
        {13, 7, "revoked_at"},
        {30, 7, "not_after"},
        {38, 'X', "subject"},
    }));
    TempDir dir;
    {
        auto index = open_index(dir.path());
        seed(*index);
    }
    edit_record(dir.path(), '\x02',
                [&, offset = offset, value = value](std::string& r) { r[offset] = value; });
    RecordDifference d = first_difference(dir.path());
    CHECK(d.serial.to_hex() == "02");
    CHECK(d.field == field);
    CHECK(d.journal_seq == 4);
}

TEST_CASE("Deleted and extra records are found in key order", "[journal][refold]") {
    TempDir dir;
    {
        auto index = open_index(dir.path());
        seed(*index);
    }
    std::string expected_serial, expected_field;
    std::uint64_t expected_seq = 0;
    SECTION("a deleted record is missing") {
        expected_serial = "02", expected_field = "missing", expected_seq = 4;
        with_raw_env(dir.path(), [](MDB_txn* txn) {
            std::string key = record_key('\x02');
            MDB_val k = val(key);
            REQUIRE(mdb_del(txn, raw_dbi(txn, "records"), &k, nullptr) == 0);
        });
    }
    SECTION("the last record deleted is missing") {
        expected_serial = "03", expected_field = "missing", expected_seq = 3;
        with_raw_env(dir.path(), [](MDB_txn* txn) {
            std::string key = record_key('\x03');
            MDB_val k = val(key);
            REQUIRE(mdb_del(txn, raw_dbi(txn, "records"), &k, nullptr) == 0);
        });
    }
    SECTION("a record no entry wrote is extra") {
        expected_serial = "0155", expected_field = "extra", expected_seq = 0;
        with_raw_env(dir.path(), [](MDB_txn* txn) {
            MDB_dbi records = raw_dbi(txn, "records");
            std::string key = record_key('\x01'), copy_key = record_key('\x01') + "\x55";
            MDB_val k = val(key), v;
            REQUIRE(mdb_get(txn, records, &k, &v) == 0);
            std::string copy(static_cast<const char*>(v.mv_data), v.mv_size);
            MDB_val nk = val(copy_key), nv = val(copy);
            REQUIRE(mdb_put(txn, records, &nk, &nv, 0) == 0);
        });
    }
    RecordDifference d = first_difference(dir.path());
    CHECK(d.serial.to_hex() == expected_serial);
    CHECK(d.field == expected_field);
    CHECK(d.journal_seq == expected_seq);
}

TEST_CASE("A read-only open verifies and never writes", "[journal][refold][open]") {
    TempDir dir;
    {
        auto index = open_index(dir.path());
        seed(*index);
    }
    Options options;
    options.path = dir.path().string();
    options.map_size = std::size_t{1} << 26;
    auto index = RevocationIndex::open_read_only(options);
    REQUIRE(index);
    CHECK((*index)->verify_journal().value() == std::nullopt);
    CHECK((*index)->verify_records().value() == std::nullopt);
    CHECK((*index)->find(1, serial("02")).value()->state == CertState::revoked);
    std::vector<Change> release{change(ChangeKind::release, 1, "02", issued())};
    CHECK_FALSE((*index)->commit(release, admin_provenance("req-9"), 300));
    CHECK_FALSE((*index)->put_meta("k", "v"));
}

TEST_CASE("A read-only open creates nothing", "[journal][refold][open]") {
    TempDir dir;
    Options options;
    options.path = (dir.path() / "missing").string();
    CHECK_FALSE(RevocationIndex::open_read_only(options));
    CHECK_FALSE(std::filesystem::exists(dir.path() / "missing"));
    options.path = dir.path().string();
    auto empty = RevocationIndex::open_read_only(options);
    REQUIRE_FALSE(empty);
    CHECK(std::filesystem::is_empty(dir.path()));
}
