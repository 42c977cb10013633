// RAII wrappers around the LMDB C API (environment, transactions, cursors) and the one function
// that translates LMDB return codes into Error. Private to storage/: LMDB types never leave it.
#pragma once

#include <lmdb.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "core/bytes.hpp"
#include "core/result.hpp"

namespace tanda::storage::lmdb {

// The one translation of an LMDB (or errno) return code: MDB_MAP_FULL is storage_full,
// an unreadable or foreign file is incompatible, system errors are io, the rest storage.
Error error(int rc, std::string_view context);

inline MDB_val to_val(ByteView b) { return MDB_val{b.size(), const_cast<std::byte*>(b.data())}; }
inline MDB_val to_val(std::string_view s) { return to_val(as_bytes(s)); }
// The view is valid only until the transaction that produced `v` ends or writes.
inline ByteView view(const MDB_val& v) {
    return {static_cast<const std::byte*>(v.mv_data), v.mv_size};
}

struct EnvOptions {
    std::string path;  // an existing directory
    std::size_t map_size = 0;
    unsigned max_readers = 0;
    unsigned max_dbs = 0;
    bool read_only = false;  // MDB_RDONLY: no write transaction can begin
};

// Owns an MDB_env opened with MDB_NOTLS and durable commits.
class Env {
public:
    static Result<Env> open(const EnvOptions& options);
    Env(Env&& o) noexcept : env_(std::exchange(o.env_, nullptr)) {}
    Env& operator=(Env&&) = delete;
    Env(const Env&) = delete;
    ~Env();
    MDB_env* get() const { return env_; }

private:
    explicit Env(MDB_env* env) : env_(env) {}
    MDB_env* env_;
};

class ReadTxnPool;

// A transaction that aborts in its destructor unless commit() succeeded, or, when it came from a
// ReadTxnPool, goes back to it. Cursors opened on a write transaction must be closed before it
// commits (keep them in an inner scope).
class Txn {
public:
    static Result<Txn> begin_read(const Env& env);
    static Result<Txn> begin_write(const Env& env);
    Txn(Txn&& o) noexcept
        : txn_(std::exchange(o.txn_, nullptr)), home_(std::exchange(o.home_, nullptr)) {}
    Txn& operator=(Txn&&) = delete;
    Txn(const Txn&) = delete;
    ~Txn();

    Result<void> commit();
    MDB_txn* get() const { return txn_; }

    // Thin checked calls; `found` is false for MDB_NOTFOUND.
    Result<bool> get(MDB_dbi dbi, ByteView key, MDB_val& value) const;
    Result<void> put(MDB_dbi dbi, ByteView key, ByteView value, unsigned flags = 0);
    // Deletes `key`; an absent key is not an error.
    Result<void> del(MDB_dbi dbi, ByteView key);

private:
    friend class ReadTxnPool;
    explicit Txn(MDB_txn* txn, const ReadTxnPool* home = nullptr) : txn_(txn), home_(home) {}
    MDB_txn* txn_;
    const ReadTxnPool* home_;
};

// Read transactions kept between uses: reset (mdb_txn_reset) when a lookup ends and renewed
// (mdb_txn_renew) for the next, so a lookup takes no lock on LMDB's reader table and allocates
// nothing. A reset transaction keeps its reader slot but no snapshot, so it holds back no page
// reuse. Kept in a few slots picked by thread, taken and put back with one atomic exchange each:
// a mutex around one list was slower on two threads than LMDB's own reader-table lock. Each kept
// transaction holds one of the environment's reader slots (max_readers): `slots` is capped at
// kSlots and at least 1. Thread-safe; must be destroyed before its Env.
class ReadTxnPool {
public:
    ReadTxnPool(MDB_env* env, std::size_t slots)
        : env_(env),
          used_(slots == 0       ? 1
                : slots < kSlots ? slots
                                 : kSlots) {}
    ReadTxnPool(const ReadTxnPool&) = delete;
    ReadTxnPool& operator=(const ReadTxnPool&) = delete;
    ~ReadTxnPool();

    // A read transaction on the newest committed state, as Txn::begin_read gives.
    Result<Txn> begin() const;

private:
    friend class Txn;
    static constexpr std::size_t kSlots = 16;
    struct alignas(64) Slot {  // one cache line each: threads do not share them
        mutable std::atomic<MDB_txn*> txn{nullptr};
    };
    const Slot& slot_of_this_thread() const;
    void put_back(MDB_txn* txn) const noexcept;

    MDB_env* env_;
    std::size_t used_;  // slots in use, from the front
    std::array<Slot, kSlots> slots_{};
};

// A cursor closed in its destructor; must not outlive its transaction.
class Cursor {
public:
    static Result<Cursor> open(const Txn& txn, MDB_dbi dbi);
    Cursor(Cursor&& o) noexcept : cursor_(std::exchange(o.cursor_, nullptr)) {}
    Cursor& operator=(Cursor&&) = delete;
    Cursor(const Cursor&) = delete;
    ~Cursor();

    // Positions with `op`; false at the end (MDB_NOTFOUND). `key` is input for MDB_SET_RANGE.
    Result<bool> move(MDB_val& key, MDB_val& value, MDB_cursor_op op);

private:
    explicit Cursor(MDB_cursor* cursor) : cursor_(cursor) {}
    MDB_cursor* cursor_;
};

// Opens a named database once at start (the handle stays valid for the env's lifetime after
// the transaction commits). Without `create`, a missing database is ErrorCode::incompatible.
Result<MDB_dbi> open_dbi(const Txn& txn, const char* name, bool create);

}  // namespace tanda::storage::lmdb
