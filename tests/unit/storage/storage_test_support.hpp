// Helpers shared by the storage tests: opening an index in a temp dir, building changes, and
// raw LMDB access to tamper with an index that is closed.
#pragma once

#include <lmdb.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "storage/revocation_index.hpp"
#include "tests/support/temp_dir.hpp"

namespace tanda::storage::test {

inline std::unique_ptr<RevocationIndex> open_index(const std::filesystem::path& dir,
                                                   std::size_t map_size = std::size_t{1} << 26) {
    Options options;
    options.path = dir.string();
    options.map_size = map_size;
    auto index = RevocationIndex::open(options);
    if (!index) FAIL("open failed: " << index.error().message);
    return std::move(*index);
}

inline Serial serial(std::string_view hex) { return *Serial::from_hex(hex); }

inline CertRecord issued(std::string subject = "CN=Alice,O=Example") {
    CertRecord r;
    r.state = CertState::issued;
    r.not_after = 1900000000;
    r.subject = std::move(subject);
    return r;
}

inline CertRecord revoked(Reason reason = Reason::key_compromise, UnixSeconds at = 1700000000) {
    CertRecord r = issued();
    r.state = CertState::revoked;
    r.reason = reason;
    r.revoked_at = at;
    return r;
}

inline Change change(ChangeKind kind, IssuerId issuer, std::string_view serial_hex,
                     CertRecord record) {
    return Change{kind, issuer, serial(serial_hex), std::move(record)};
}

inline Provenance import_provenance() { return Provenance{"", "", "", "", "import:index.txt"}; }

inline Provenance admin_provenance(std::string request_id) {
    return Provenance{std::move(request_id), "ra-alice", "ra-bob", std::string(64, 'a'), "admin"};
}

// Opens the (closed) index's environment with the LMDB C API and runs `edit` in a write txn.
inline void with_raw_env(const std::filesystem::path& dir,
                         const std::function<void(MDB_txn*)>& edit) {
    MDB_env* env = nullptr;
    REQUIRE(mdb_env_create(&env) == 0);
    REQUIRE(mdb_env_set_maxdbs(env, 8) == 0);
    REQUIRE(mdb_env_open(env, dir.c_str(), 0, 0600) == 0);
    MDB_txn* txn = nullptr;
    REQUIRE(mdb_txn_begin(env, nullptr, 0, &txn) == 0);
    edit(txn);
    REQUIRE(mdb_txn_commit(txn) == 0);
    mdb_env_close(env);
}

inline MDB_dbi raw_dbi(MDB_txn* txn, const char* name) {
    MDB_dbi dbi = 0;
    REQUIRE(mdb_dbi_open(txn, name, 0, &dbi) == 0);
    return dbi;
}

// Big-endian journal key, as FORMAT.md defines it.
inline std::string seq_key(std::uint64_t seq) {
    std::string key(8, '\0');
    for (int i = 0; i < 8; ++i) key[i] = static_cast<char>(seq >> (8 * (7 - i)));
    return key;
}

inline MDB_val val(std::string& s) { return MDB_val{s.size(), s.data()}; }

}  // namespace tanda::storage::test
