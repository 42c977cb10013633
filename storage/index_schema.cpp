// Opening an environment as a Tanda index: creating the named databases of a new one, refusing
// foreign environments and other schema versions without modifying them (FORMAT.md).
#include <algorithm>
#include <mutex>
#include <set>
#include <string>

#include "storage/byte_io.hpp"
#include "storage/index_impl.hpp"

namespace tanda::storage {
namespace {

// In schema order: version 1 has the first six, version 2 adds `pending` (FORMAT.md).
constexpr const char* kDatabaseNames[] = {"meta",    "issuers",  "issuer_ids", "records",
                                          "journal", "requests", "pending"};
constexpr std::size_t kVersion1Databases = 6;

Result<Databases> open_all(const lmdb::Txn& txn, bool create) {
    MDB_dbi handles[std::size(kDatabaseNames)];
    for (std::size_t i = 0; i < std::size(kDatabaseNames); ++i) {
        auto dbi = lmdb::open_dbi(txn, kDatabaseNames[i], create);
        if (!dbi) return tl::unexpected(dbi.error());
        handles[i] = *dbi;
    }
    return Databases{handles[0], handles[1], handles[2], handles[3],
                     handles[4], handles[5], handles[6]};
}

// The stored schema version text; ErrorCode::incompatible when there is none.
Result<std::string> stored_version(const lmdb::Env& env) {
    auto txn = lmdb::Txn::begin_read(env);
    if (!txn) return tl::unexpected(txn.error());
    auto meta = lmdb::open_dbi(*txn, kDatabaseNames[0], false);
    if (!meta) return tl::unexpected(meta.error());
    MDB_val v;
    auto found = txn->get(*meta, as_bytes(kSchemaVersionKey), v);
    if (!found) return tl::unexpected(found.error());
    if (!*found) return fail(ErrorCode::incompatible, "no schema version: not a Tanda index");
    return std::string(as_chars(lmdb::view(v)));
}

// Version 1 -> 2: adds the empty `pending` database. Nothing else changes on disk: format 1
// journal entries stay valid (their hashes cover their own bytes) and records keep format 1.
// One write transaction, so a crash leaves either version, never a mix.
Result<void> migrate_from_v1(const lmdb::Env& env) {
    auto txn = lmdb::Txn::begin_write(env);
    if (!txn) return tl::unexpected(txn.error());
    for (std::size_t i = 0; i < kVersion1Databases; ++i) {
        if (auto dbi = lmdb::open_dbi(*txn, kDatabaseNames[i], false); !dbi) {
            return tl::unexpected(dbi.error().with_context("migrate schema 1 to 2"));
        }
    }
    auto dbs = open_all(*txn, true);
    if (!dbs) return tl::unexpected(dbs.error());
    if (auto r = txn->put(dbs->meta, as_bytes(kSchemaVersionKey), as_bytes(std::string("2"))); !r) {
        return r;
    }
    return txn->commit();
}

// Named databases are keys of the main database, so an empty main database is a new env.
Result<bool> is_empty(const lmdb::Txn& txn) {
    MDB_dbi main = 0;
    MDB_stat st{};
    int rc = mdb_dbi_open(txn.get(), nullptr, 0, &main);
    if (rc == 0) rc = mdb_stat(txn.get(), main, &st);
    if (rc != 0) return tl::unexpected(lmdb::error(rc, "read main database"));
    return st.ms_entries == 0;
}

Result<Databases> open_existing(const lmdb::Env& env, std::uint32_t schema_version) {
    auto stored = stored_version(env);
    if (!stored) return tl::unexpected(stored.error());
    if (*stored == "1" && schema_version == 2) {
        if (auto r = migrate_from_v1(env); !r) return tl::unexpected(r.error());
        *stored = "2";
    }
    if (*stored != std::to_string(schema_version)) {
        return fail(ErrorCode::incompatible,
                    "index schema version " + *stored + ", this build reads version " +
                        std::to_string(schema_version) +
                        ": run the matching tanda version or migrate the index");
    }
    auto txn = lmdb::Txn::begin_read(env);
    if (!txn) return tl::unexpected(txn.error());
    auto dbs = open_all(*txn, false);
    if (!dbs) return dbs;
    if (auto r = txn->commit(); !r) return tl::unexpected(r.error());  // keeps the handles
    return dbs;
}

// ErrorCode::conflict when another process created the index meanwhile.
Result<Databases> create_new(const lmdb::Env& env, std::uint32_t schema_version) {
    auto txn = lmdb::Txn::begin_write(env);
    if (!txn) return tl::unexpected(txn.error());
    auto empty = is_empty(*txn);
    if (!empty) return tl::unexpected(empty.error());
    if (!*empty) return fail(ErrorCode::conflict, "index created concurrently");
    auto dbs = open_all(*txn, true);
    if (!dbs) return dbs;
    std::string version = std::to_string(schema_version);
    if (auto r = txn->put(dbs->meta, as_bytes(kSchemaVersionKey), as_bytes(version)); !r) {
        return tl::unexpected(r.error());
    }
    if (auto r = txn->commit(); !r) return tl::unexpected(r.error());
    return dbs;
}

std::mutex open_paths_mutex;
std::set<std::string> open_paths;

}  // namespace

Result<Databases> open_databases(const lmdb::Env& env, std::uint32_t schema_version,
                                 bool read_only) {
    bool empty = false;
    {
        auto txn = lmdb::Txn::begin_read(env);
        if (!txn) return tl::unexpected(txn.error());
        auto r = is_empty(*txn);
        if (!r) return tl::unexpected(r.error());
        empty = *r;
    }
    if (empty && !read_only) {
        auto created = create_new(env, schema_version);
        if (created || created.error().code != ErrorCode::conflict) return created;
    }
    return open_existing(env, schema_version);
}

Result<OpenPathGuard> OpenPathGuard::acquire(std::string canonical_path) {
    std::lock_guard lock(open_paths_mutex);
    if (!open_paths.insert(canonical_path).second) {
        return fail(ErrorCode::conflict, "index " + canonical_path + " is already open");
    }
    return OpenPathGuard(std::move(canonical_path));
}

OpenPathGuard::~OpenPathGuard() {
    if (path_.empty()) return;
    std::lock_guard lock(open_paths_mutex);
    open_paths.erase(path_);
}

Result<JournalHead> read_journal_head(const lmdb::Txn& txn, const Databases& dbs) {
    MDB_val v;
    auto found = txn.get(dbs.meta, as_bytes(kJournalHeadKey), v);
    if (!found) return tl::unexpected(found.error());
    JournalHead head;
    if (!*found) return head;
    ByteReader r(lmdb::view(v));
    head.seq = r.u64();
    std::ranges::copy(r.raw(head.hash.size()), head.hash.begin());
    if (!r.ok() || !r.at_end()) return fail(ErrorCode::incompatible, "corrupt journal head");
    return head;
}

Result<void> write_journal_head(lmdb::Txn& txn, const Databases& dbs, const JournalHead& head) {
    Bytes value;
    ByteWriter w(value);
    w.u64(head.seq);
    w.raw(head.hash);
    return txn.put(dbs.meta, as_bytes(kJournalHeadKey), value);
}

}  // namespace tanda::storage
