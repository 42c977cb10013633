#include <catch2/catch.hpp>
#include <fstream>

#include "storage/revocation_index.hpp"
#include "storage_test_support.hpp"

using namespace tanda;
using namespace tanda::storage;
using namespace tanda::storage::test;
using tanda::test::TempDir;

namespace {

Result<std::unique_ptr<RevocationIndex>> try_open(const std::filesystem::path& dir,
                                                  std::size_t map_size = std::size_t{1} << 24) {
    Options options;
    options.path = dir.string();
    options.map_size = map_size;
    return RevocationIndex::open(options);
}

}  // namespace

TEST_CASE("open creates a missing directory private to the owner", "[open]") {
    TempDir dir;
    auto path = dir.path() / "nested" / "index";
    REQUIRE(try_open(path));
    auto perms = std::filesystem::status(path).permissions();
    CHECK(perms == std::filesystem::perms::owner_all);
    CHECK(std::filesystem::exists(path / "data.mdb"));
}

TEST_CASE("open refuses a path that is a file", "[open]") {
    TempDir dir;
    std::ofstream(dir.path() / "file") << "x";
    auto r = try_open(dir.path() / "file");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::invalid_argument);
}

TEST_CASE("open refuses a second open of the same index in one process", "[open]") {
    TempDir dir;
    auto first = try_open(dir.path());
    REQUIRE(first);
    auto second = try_open(dir.path() / ".");
    REQUIRE_FALSE(second);
    CHECK(second.error().code == ErrorCode::conflict);
    first->reset();
    CHECK(try_open(dir.path()));
}

TEST_CASE("open rejects invalid options", "[open]") {
    TempDir dir;
    CHECK(try_open(dir.path(), 0).error().code == ErrorCode::invalid_argument);
    CHECK(RevocationIndex::open(Options{}).error().code == ErrorCode::invalid_argument);
}

TEST_CASE("Another schema version is incompatible and left untouched", "[open]") {
    TempDir dir;
    REQUIRE(try_open(dir.path()));
    with_raw_env(dir.path(), [](MDB_txn* txn) {
        std::string key = "tanda.schema_version", version = "3";
        MDB_val k = val(key), v = val(version);
        REQUIRE(mdb_put(txn, raw_dbi(txn, "meta"), &k, &v, 0) == 0);
    });
    auto r = try_open(dir.path());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::incompatible);
    CHECK_THAT(r.error().message, Catch::Contains("schema version 3"));
    with_raw_env(dir.path(), [](MDB_txn* txn) {
        std::string key = "tanda.schema_version";
        MDB_val k = val(key), v;
        REQUIRE(mdb_get(txn, raw_dbi(txn, "meta"), &k, &v) == 0);
        CHECK(std::string(static_cast<const char*>(v.mv_data), v.mv_size) == "3");
    });
}

TEST_CASE("A garbage data.mdb is incompatible, not a crash", "[open]") {
    TempDir dir;
    std::size_t size = GENERATE(100, 4096, 65536);
    {
        std::ofstream out(dir.path() / "data.mdb", std::ios::binary);
        for (std::size_t i = 0; i < size; ++i) out.put(static_cast<char>(i * 7 + 3));
    }
    auto r = try_open(dir.path());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::incompatible);
}

TEST_CASE("An LMDB environment that is not a Tanda index is incompatible", "[open]") {
    TempDir dir;
    {
        MDB_env* env = nullptr;
        REQUIRE(mdb_env_create(&env) == 0);
        REQUIRE(mdb_env_open(env, dir.path().c_str(), 0, 0600) == 0);
        MDB_txn* txn = nullptr;
        REQUIRE(mdb_txn_begin(env, nullptr, 0, &txn) == 0);
        MDB_dbi dbi = 0;
        REQUIRE(mdb_dbi_open(txn, nullptr, 0, &dbi) == 0);
        std::string key = "someone", value = "else";
        MDB_val k = val(key), v = val(value);
        REQUIRE(mdb_put(txn, dbi, &k, &v, 0) == 0);
        REQUIRE(mdb_txn_commit(txn) == 0);
        mdb_env_close(env);
    }
    auto r = try_open(dir.path());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::incompatible);
}

TEST_CASE("A full map is storage_full and the index stays usable", "[open]") {
    TempDir dir;
    auto index = open_index(dir.path(), 256 * 1024);
    IssuerId issuer = *index->ensure_issuer(as_bytes("ca"), "CA");
    std::vector<Change> small{change(ChangeKind::register_certificate, issuer, "01", issued())};
    REQUIRE(index->commit(small, import_provenance(), 1));

    std::vector<Change> big;
    for (int i = 0; i < 5000; ++i) {
        big.push_back(Change{ChangeKind::register_certificate, issuer,
                             *Serial::from_hex("FF" + std::to_string(1000000 + i)),
                             issued(std::string(200, 'x'))});
    }
    auto r = index->commit(big, import_provenance(), 2);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::storage_full);
    CHECK_THAT(r.error().message, Catch::Contains("storage.map_size"));

    CHECK(index->find(issuer, serial("01")).value()->last_seq == 1);
    CHECK(index->stats()->records == 1);
    CHECK(index->verify_journal().value() == std::nullopt);
    std::vector<Change> revoke{change(ChangeKind::revoke, issuer, "01", revoked())};
    CHECK(index->commit(revoke, import_provenance(), 3));
}

namespace {

void put_raw(MDB_txn* txn, const char* db, std::string key, std::string value) {
    MDB_val k = val(key), v = val(value);
    REQUIRE(mdb_put(txn, raw_dbi(txn, db), &k, &v, 0) == 0);
}

std::string le(std::uint64_t v, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += static_cast<char>(v >> (8 * i));
    return out;
}

std::string str16(const std::string& s) { return le(s.size(), 2) + s; }

// Record content as FORMAT.md lays it out: issued, no reason, no flags, times, subject.
std::string content(const std::string& subject) {
    return std::string("\x01\x00\x00", 3) + le(0, 8) + le(0, 8) + le(1900000000, 8) +
           str16(subject);
}

// A schema 1 journal entry (format 1) registering serial 01 of issuer 1, and its hash.
std::pair<std::string, std::string> format1_entry(const std::string& subject) {
    std::string prev(32, '\0');
    std::string body = std::string(1, '\x01') + le(1, 8) + le(1700000000, 8) + "\x01" + le(1, 4) +
                       std::string("\x01\x01", 2) + content(subject);
    for (const char* field : {"", "", "", "", "import:index.txt"}) body += str16(field);
    std::string hashed = prev + body;
    auto digest = Sha256::digest(as_bytes(hashed));
    std::string hash(reinterpret_cast<const char*>(digest.data()), digest.size());
    return {hashed + hash, hash};
}

}  // namespace

TEST_CASE("A schema 1 index is migrated to 2 with its journal intact", "[open][migration]") {
    TempDir dir;
    {
        auto index = try_open(dir.path());
        REQUIRE(index);
        REQUIRE((*index)->ensure_issuer(as_bytes("ca-1"), "CA 1"));
    }
    // Make it what schema 1 wrote: no `pending` database, version 1, format 1 entries.
    with_raw_env(dir.path(), [](MDB_txn* txn) {
        REQUIRE(mdb_drop(txn, raw_dbi(txn, "pending"), 1) == 0);
        put_raw(txn, "meta", "tanda.schema_version", "1");
        auto [entry, hash] = format1_entry("CN=Alice");
        put_raw(txn, "journal", seq_key(1), entry);
        put_raw(txn, "records", std::string("\0\0\0\x01\x01", 5),
                std::string(1, '\x01') + le(1, 8) + content("CN=Alice"));
        put_raw(txn, "meta", "tanda.journal_head", le(1, 8) + hash);
    });
    auto index = try_open(dir.path());
    REQUIRE(index);
    auto& ix = **index;
    CHECK_FALSE(*ix.verify_journal());
    auto entries = ix.journal(1, 10);
    REQUIRE(entries);
    REQUIRE(entries->size() == 1);
    CHECK(entries->front().change.kind == ChangeKind::register_certificate);
    CHECK(entries->front().provenance.mode == ApprovalMode::none);
    CHECK(entries->front().provenance.source == "import:index.txt");
    CHECK((*ix.find(1, serial("01")))->subject == "CN=Alice");
    // New entries (format 2) chain onto the format 1 one; `pending` works.
    REQUIRE(ix.commit(std::vector{change(ChangeKind::revoke, 1, "01", revoked())},
                      admin_provenance("r1"), 1750000000));
    CHECK_FALSE(*ix.verify_journal());
    CHECK(ix.pending_requests()->empty());
    index->reset();
    with_raw_env(dir.path(), [](MDB_txn* txn) {
        std::string key = "tanda.schema_version";
        MDB_val k = val(key), v;
        REQUIRE(mdb_get(txn, raw_dbi(txn, "meta"), &k, &v) == 0);
        CHECK(std::string(static_cast<const char*>(v.mv_data), v.mv_size) == "2");
    });
}
