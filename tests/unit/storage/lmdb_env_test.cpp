#include "storage/lmdb_env.hpp"

#include <catch2/catch.hpp>
#include <cerrno>

#include "tests/support/temp_dir.hpp"

using namespace tanda;
using namespace tanda::storage;

TEST_CASE("lmdb::error translates each kind of LMDB code", "[lmdb]") {
    auto [rc, code] = GENERATE(table<int, ErrorCode>({
        {MDB_MAP_FULL, ErrorCode::storage_full},
        {MDB_INVALID, ErrorCode::incompatible},
        {MDB_VERSION_MISMATCH, ErrorCode::incompatible},
        {MDB_CORRUPTED, ErrorCode::incompatible},
        {MDB_INCOMPATIBLE, ErrorCode::incompatible},
        {MDB_READERS_FULL, ErrorCode::storage},
        {MDB_BAD_TXN, ErrorCode::storage},
        {ENOENT, ErrorCode::io},
        {EACCES, ErrorCode::io},
    }));
    Error e = lmdb::error(rc, "ctx");
    CHECK(e.code == code);
    CHECK(e.message.starts_with("ctx: "));
}

TEST_CASE("lmdb::error tells how to fix a full map", "[lmdb]") {
    CHECK_THAT(lmdb::error(MDB_MAP_FULL, "commit").message,
               Catch::Contains("raise storage.map_size"));
}

TEST_CASE("A write transaction aborts unless committed", "[lmdb]") {
    test::TempDir dir;
    auto env = lmdb::Env::open({dir.path().string(), 1 << 20, 16, 4});
    REQUIRE(env);
    MDB_dbi dbi = 0;
    {
        auto txn = lmdb::Txn::begin_write(*env);
        REQUIRE(txn);
        auto opened = lmdb::open_dbi(*txn, "t", true);
        REQUIRE(opened);
        dbi = *opened;
        REQUIRE(txn->commit());
    }
    {
        auto txn = lmdb::Txn::begin_write(*env);
        REQUIRE(txn);
        REQUIRE(txn->put(dbi, as_bytes("dropped"), as_bytes("x")));
    }  // no commit: aborted
    {
        auto txn = lmdb::Txn::begin_write(*env);
        REQUIRE(txn->put(dbi, as_bytes("kept"), as_bytes("y")));
        REQUIRE(txn->commit());
    }
    auto txn = lmdb::Txn::begin_read(*env);
    REQUIRE(txn);
    MDB_val v;
    CHECK(txn->get(dbi, as_bytes("dropped"), v) == false);
    REQUIRE(txn->get(dbi, as_bytes("kept"), v) == true);
    CHECK(as_chars(lmdb::view(v)) == "y");
}

TEST_CASE("open_dbi without create reports a missing database as incompatible", "[lmdb]") {
    test::TempDir dir;
    auto env = lmdb::Env::open({dir.path().string(), 1 << 20, 16, 4});
    REQUIRE(env);
    auto txn = lmdb::Txn::begin_read(*env);
    REQUIRE(txn);
    auto dbi = lmdb::open_dbi(*txn, "absent", false);
    REQUIRE_FALSE(dbi);
    CHECK(dbi.error().code == ErrorCode::incompatible);
}

TEST_CASE("Env::open of a missing directory is an io error", "[lmdb]") {
    test::TempDir dir;
    auto env = lmdb::Env::open({(dir.path() / "missing").string(), 1 << 20, 16, 4});
    REQUIRE_FALSE(env);
    CHECK(env.error().code == ErrorCode::io);
}
