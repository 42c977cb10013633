// The state behind RevocationIndex: the environment, its named databases and the reserved
// meta keys. Shared by the .cpp files of the index; private to storage/.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <variant>
#include <vector>

#include <string>
#include <string_view>

#include "storage/lmdb_env.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::storage {

inline constexpr std::string_view kSchemaVersionKey = "tanda.schema_version";
inline constexpr std::string_view kJournalHeadKey = "tanda.journal_head";
// The last command applied (cluster mode; FORMAT.md, "Write commands"): u64 LE stream
// sequence, u32 LE index, u32 LE count.
inline constexpr std::string_view kClusterSeqKey = "tanda.cluster_seq";

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

// What a write method returns, for every method (storage/replicated_write.hpp).
using WriteOutcome = std::variant<std::monostate, IssuerId, CommitResult, std::uint64_t>;

// A command applied at a stream sequence: the write's own result, and whether the sequence was
// recorded (it is whenever the write succeeded or the state refused it the same way on every
// node; it is not after a storage failure, or when the sequence was applied already).
struct AppliedCommand {
    Result<WriteOutcome> outcome;
    Result<void> recorded;
};

struct RevocationIndex::Impl {
    // Runs the commit observers for a durable commit that changed records.
    void notify(std::span<const CommittedChange> committed);

    // True when a write method must go through the replicator: one is attached and this thread
    // is not inside applying() (which runs the method again to write locally).
    bool must_replicate() const;
    // Runs `write` as the command at stream sequence `seq` (replicated_write.cpp).
    AppliedCommand applying(StreamPosition at, const std::function<Result<WriteOutcome>()>& write);
    // Commits a write transaction of a write method; while applying a command it first records
    // the command's stream sequence in it, refusing (ErrorCode::conflict) one already applied or
    // one after a gap.
    Result<void> commit_write(lmdb::Txn& txn);

    OpenPathGuard guard;  // declared first: released after the environment is closed
    lmdb::Env env;
    Databases dbs;
    std::mutex observers_mutex;  // held while observers run: commits are serialised anyway
    std::vector<CommitObserver> observers;
    lmdb::ReadTxnPool readers;  // for lookups; declared after env: destroyed before it

    Replicator* replicator = nullptr;
    std::optional<StreamPosition> applying_at;  // set inside applying()
    bool applying_seq_recorded = false;
};

}  // namespace tanda::storage
