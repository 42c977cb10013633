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
        std::string key = "tanda.schema_version", version = "2";
        MDB_val k = val(key), v = val(version);
        REQUIRE(mdb_put(txn, raw_dbi(txn, "meta"), &k, &v, 0) == 0);
    });
    auto r = try_open(dir.path());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::incompatible);
    CHECK_THAT(r.error().message, Catch::Contains("schema version 2"));
    with_raw_env(dir.path(), [](MDB_txn* txn) {
        std::string key = "tanda.schema_version";
        MDB_val k = val(key), v;
        REQUIRE(mdb_get(txn, raw_dbi(txn, "meta"), &k, &v) == 0);
        CHECK(std::string(static_cast<const char*>(v.mv_data), v.mv_size) == "2");
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
