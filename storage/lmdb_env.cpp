// LMDB plumbing: the error translation and the RAII wrappers declared in lmdb_env.hpp.
#include "storage/lmdb_env.hpp"

#include <cerrno>
#include <utility>

namespace tanda::storage::lmdb {

Error error(int rc, std::string_view context) {
    std::string what = std::string(context) + ": " + mdb_strerror(rc);
    switch (rc) {
        case MDB_MAP_FULL:
            return Error{ErrorCode::storage_full,
                         what + "; the index is full: raise storage.map_size"};
        case MDB_INVALID:
        case MDB_VERSION_MISMATCH:
            return Error{ErrorCode::incompatible,
                         what + "; not an LMDB environment of this LMDB version"};
        case MDB_INCOMPATIBLE:
        case MDB_CORRUPTED:
        case MDB_PAGE_NOTFOUND:
            return Error{ErrorCode::incompatible, what + "; the index is corrupt or foreign"};
        case MDB_TXN_FULL:
            return Error{ErrorCode::storage, what + "; commit fewer changes per call"};
        default:
            break;
    }
    // LMDB's own codes are negative; positive ones are errno values from the OS.
    return Error{rc > 0 ? ErrorCode::io : ErrorCode::storage, std::move(what)};
}

Result<Env> Env::open(const EnvOptions& options) {
    MDB_env* raw = nullptr;
    if (int rc = mdb_env_create(&raw); rc != 0) return tl::unexpected(error(rc, "mdb_env_create"));
    Env env(raw);
    int rc = mdb_env_set_maxdbs(raw, options.max_dbs);
    if (rc == 0) rc = mdb_env_set_maxreaders(raw, options.max_readers);
    if (rc == 0) rc = mdb_env_set_mapsize(raw, options.map_size);
    if (rc != 0) return tl::unexpected(error(rc, "configure LMDB environment"));
    // MDB_NOTLS: read transactions are not bound to threads, so many threads may each hold one.
    // No MDB_NOSYNC/MDB_NOMETASYNC: a commit returns only once durable.
    const unsigned flags = MDB_NOTLS | (options.read_only ? MDB_RDONLY : 0u);
    rc = mdb_env_open(raw, options.path.c_str(), flags, 0600);
    if (rc != 0) return tl::unexpected(error(rc, "open LMDB environment " + options.path));
    return env;
}

Env::~Env() {
    if (env_ != nullptr) mdb_env_close(env_);
}

Result<Txn> Txn::begin_read(const Env& env) {
    MDB_txn* txn = nullptr;
    if (int rc = mdb_txn_begin(env.get(), nullptr, MDB_RDONLY, &txn); rc != 0) {
        return tl::unexpected(error(rc, "begin read transaction"));
    }
    return Txn(txn);
}

Result<Txn> Txn::begin_write(const Env& env) {
    MDB_txn* txn = nullptr;
    if (int rc = mdb_txn_begin(env.get(), nullptr, 0, &txn); rc != 0) {
        return tl::unexpected(error(rc, "begin write transaction"));
    }
    return Txn(txn);
}

Txn::~Txn() {
    if (txn_ == nullptr) return;
    if (home_ != nullptr) {
        home_->put_back(txn_);
    } else {
        mdb_txn_abort(txn_);
    }
}

ReadTxnPool::~ReadTxnPool() {
    for (Slot& slot : slots_) {
        if (MDB_txn* txn = slot.txn.exchange(nullptr)) mdb_txn_abort(txn);
    }
}

const ReadTxnPool::Slot& ReadTxnPool::slot_of_this_thread() const {
    static std::atomic<std::size_t> next{0};
    thread_local const std::size_t thread_number = next.fetch_add(1);
    return slots_[thread_number % used_];
}

Result<Txn> ReadTxnPool::begin() const {
    MDB_txn* txn = slot_of_this_thread().txn.exchange(nullptr);
    if (txn == nullptr) {
        if (int rc = mdb_txn_begin(env_, nullptr, MDB_RDONLY, &txn); rc != 0) {
            return tl::unexpected(error(rc, "begin read transaction"));
        }
    } else if (int rc = mdb_txn_renew(txn); rc != 0) {
        mdb_txn_abort(txn);
        return tl::unexpected(error(rc, "renew read transaction"));
    }
    return Txn(txn, this);
}

void ReadTxnPool::put_back(MDB_txn* txn) const noexcept {
    mdb_txn_reset(txn);
    MDB_txn* empty = nullptr;
    // The slot is taken when this thread held two at once, or shares the slot: one is enough.
    if (!slot_of_this_thread().txn.compare_exchange_strong(empty, txn)) mdb_txn_abort(txn);
}

Result<void> Txn::commit() {
    // mdb_txn_commit frees the transaction even when it fails.
    int rc = mdb_txn_commit(std::exchange(txn_, nullptr));
    if (rc != 0) return tl::unexpected(error(rc, "commit"));
    return {};
}

Result<bool> Txn::get(MDB_dbi dbi, ByteView key, MDB_val& value) const {
    MDB_val k = to_val(key);
    int rc = mdb_get(txn_, dbi, &k, &value);
    if (rc == MDB_NOTFOUND) return false;
    if (rc != 0) return tl::unexpected(error(rc, "read"));
    return true;
}

Result<void> Txn::put(MDB_dbi dbi, ByteView key, ByteView value, unsigned flags) {
    MDB_val k = to_val(key);
    MDB_val v = to_val(value);
    if (int rc = mdb_put(txn_, dbi, &k, &v, flags); rc != 0) {
        return tl::unexpected(error(rc, "write"));
    }
    return {};
}

Result<void> Txn::del(MDB_dbi dbi, ByteView key) {
    MDB_val k = to_val(key);
    if (int rc = mdb_del(txn_, dbi, &k, nullptr); rc != 0 && rc != MDB_NOTFOUND) {
        return tl::unexpected(error(rc, "delete"));
    }
    return {};
}

Result<Cursor> Cursor::open(const Txn& txn, MDB_dbi dbi) {
    MDB_cursor* cursor = nullptr;
    if (int rc = mdb_cursor_open(txn.get(), dbi, &cursor); rc != 0) {
        return tl::unexpected(error(rc, "open cursor"));
    }
    return Cursor(cursor);
}

Cursor::~Cursor() {
    if (cursor_ != nullptr) mdb_cursor_close(cursor_);
}

Result<bool> Cursor::move(MDB_val& key, MDB_val& value, MDB_cursor_op op) {
    int rc = mdb_cursor_get(cursor_, &key, &value, op);
    if (rc == MDB_NOTFOUND) return false;
    if (rc != 0) return tl::unexpected(error(rc, "cursor read"));
    return true;
}

Result<MDB_dbi> open_dbi(const Txn& txn, const char* name, bool create) {
    MDB_dbi dbi = 0;
    int rc = mdb_dbi_open(txn.get(), name, create ? MDB_CREATE : 0, &dbi);
    if (rc == MDB_NOTFOUND) {
        return fail(ErrorCode::incompatible,
                    std::string("database \"") + name + "\" is missing: not a Tanda index");
    }
    if (rc != 0) return tl::unexpected(error(rc, std::string("open database ") + name));
    return dbi;
}

}  // namespace tanda::storage::lmdb
