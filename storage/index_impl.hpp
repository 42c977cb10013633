// The state behind RevocationIndex: the environment, its named databases and the reserved
// meta keys. Shared by the .cpp files of the index; private to storage/.
#pragma once

#include <mutex>
#include <vector>

#include <string>
#include <string_view>

#include "storage/lmdb_env.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::storage {

inline constexpr std::string_view kSchemaVersionKey = "tanda.schema_version";
inline constexpr std::string_view kJournalHeadKey = "tanda.journal_head";

struct Databases {
    MDB_dbi meta = 0;
    MDB_dbi issuers = 0;     // identity -> issuer id
    MDB_dbi issuer_ids = 0;  // issuer id -> identity, name
    MDB_dbi records = 0;     // issuer id || serial -> record
    MDB_dbi journal = 0;     // seq -> entry
    MDB_dbi requests = 0;    // request id -> seq
    MDB_dbi pending = 0;     // request id -> pending request (schema 2)
};

// Opens (or, for an empty environment, creates) the named databases and checks the schema
// version; an environment that is not ours or of another version is ErrorCode::incompatible.
// With `read_only`, an empty environment is incompatible too and nothing is created.
Result<Databases> open_databases(const lmdb::Env& env, std::uint32_t schema_version,
                                 bool read_only);

// LMDB must not be opened twice by one process (its POSIX locks would break): this registry
// refuses a second open of the same directory while the first is alive.
class OpenPathGuard {
public:
    static Result<OpenPathGuard> acquire(std::string canonical_path);
    OpenPathGuard(OpenPathGuard&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
    OpenPathGuard& operator=(OpenPathGuard&&) = delete;
    OpenPathGuard(const OpenPathGuard&) = delete;
    ~OpenPathGuard();

private:
    explicit OpenPathGuard(std::string path) : path_(std::move(path)) {}
    std::string path_;
};

Result<JournalHead> read_journal_head(const lmdb::Txn& txn, const Databases& dbs);
Result<void> write_journal_head(lmdb::Txn& txn, const Databases& dbs, const JournalHead& head);

// Appends and applies `changes` in `txn` (JournalAppender), advances the head and maps a
// non-empty request id (which must be unused: ErrorCode::conflict). The caller commits.
struct AppliedChanges {
    CommitResult result;
    std::vector<CommittedChange> committed;
};
Result<AppliedChanges> apply_changes(lmdb::Txn& txn, const Databases& dbs,
                                     std::span<const Change> changes, const Provenance& provenance,
                                     UnixSeconds now);

struct RevocationIndex::Impl {
    // Runs the commit observers for a durable commit that changed records.
    void notify(std::span<const CommittedChange> committed);

    OpenPathGuard guard;  // declared first: released after the environment is closed
    lmdb::Env env;
    Databases dbs;
    std::mutex observers_mutex;  // held while observers run: commits are serialised anyway
    std::vector<CommitObserver> observers;
    lmdb::ReadTxnPool readers;  // for lookups; declared after env: destroyed before it
};

}  // namespace tanda::storage
