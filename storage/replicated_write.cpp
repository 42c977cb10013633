// Cluster mode of the index (storage/replicator.hpp): dispatching write commands to the write
// methods, recording the applied stream sequence in the same transaction, snapshots.
#include "storage/replicated_write.hpp"

#include <lmdb.h>

#include "storage/record_codec.hpp"

namespace tanda::storage {
namespace {

// The index whose command this thread is applying: its write methods then write locally.
thread_local const RevocationIndex::Impl* t_applying = nullptr;

// Refusals that follow from the state alone, so every node refuses the command the same way:
// the command is applied as a no-op. Anything else (a full map, an I/O error) is this node's.
bool refused_by_state(ErrorCode code) {
    return code == ErrorCode::invalid_argument || code == ErrorCode::conflict ||
           code == ErrorCode::not_found;
}

struct Runner {
    RevocationIndex& index;

    template <class T>
    static Result<WriteOutcome> wrap(Result<T> r) {
        if (!r) return tl::unexpected(std::move(r.error()));
        if constexpr (std::is_void_v<T>) {
            return WriteOutcome{};
        } else {
            return WriteOutcome{std::move(*r)};
        }
    }
    Result<WriteOutcome> operator()(const EnsureIssuerCommand& c) const {
        return wrap(index.ensure_issuer(c.identity, c.name));
    }
    Result<WriteOutcome> operator()(const CommitCommand& c) const {
        return wrap(index.commit(c.changes, c.provenance, c.now));
    }
    Result<WriteOutcome> operator()(const SubmitCommand& c) const {
        return wrap(index.submit(c.request, c.now));
    }
    Result<WriteOutcome> operator()(const ApproveCommand& c) const {
        return wrap(index.approve(c.id, c.change, c.provenance, c.now));
    }
    Result<WriteOutcome> operator()(const ClosePendingCommand& c) const {
        return wrap(index.close_pending(c.id, c.outcome, c.provenance, c.now));
    }
    Result<WriteOutcome> operator()(const AppendAuditCommand& c) const {
        return wrap(index.append_audit_with_meta(c.change, c.provenance, c.now, c.meta_key,
                                                 c.meta_value));
    }
    Result<WriteOutcome> operator()(const PutMetaCommand& c) const {
        return wrap(index.put_meta(c.key, c.value));
    }
    Result<WriteOutcome> operator()(const MetaCounterCommand& c) const {
        return wrap(c.raise ? index.raise_meta_counter(c.key, c.value)
                            : index.next_meta_counter(c.key, c.value));
    }
};

Result<std::uint64_t> read_cluster_seq(const lmdb::Txn& txn, const Databases& dbs) {
    MDB_val v;
    auto found = txn.get(dbs.meta, as_bytes(kClusterSeqKey), v);
    if (!found) return tl::unexpected(found.error());
    if (!*found) return std::uint64_t{0};
    auto seq = decode_u64(lmdb::view(v));
    if (!seq) return fail(ErrorCode::incompatible, "corrupt tanda.cluster_seq in the index");
    return *seq;
}

}  // namespace

Result<WriteOutcome> run_command(RevocationIndex& index, const WriteCommand& command) {
    return std::visit(Runner{index}, command);
}

bool RevocationIndex::Impl::must_replicate() const {
    return replicator != nullptr && t_applying != this;
}

AppliedCommand RevocationIndex::Impl::applying(
    std::uint64_t seq, const std::function<Result<WriteOutcome>()>& write) {
    applying_seq = seq;
    applying_seq_recorded = false;
    t_applying = this;
    AppliedCommand out{write(), {}};
    t_applying = nullptr;
    if (!applying_seq_recorded) {
        if (!out.outcome && !refused_by_state(out.outcome.error().code)) {
            out.recorded = tl::unexpected(out.outcome.error());
        } else if (auto txn = lmdb::Txn::begin_write(env); !txn) {
            out.recorded = tl::unexpected(txn.error());
        } else {
            out.recorded = commit_write(*txn);  // the refusal: the sequence alone
        }
    }
    applying_seq = 0;
    return out;
}

Result<void> RevocationIndex::Impl::commit_write(lmdb::Txn& txn) {
    if (applying_seq != 0) {
        auto stored = read_cluster_seq(txn, dbs);
        if (!stored) return tl::unexpected(stored.error());
        if (*stored + 1 != applying_seq) {
            return fail(ErrorCode::conflict,
                        "stream sequence " + std::to_string(applying_seq) +
                            (*stored >= applying_seq ? " was applied already"
                                                     : " does not follow the applied " +
                                                           std::to_string(*stored)));
        }
        auto value = encode_u64(applying_seq);
        if (auto r = txn.put(dbs.meta, as_bytes(kClusterSeqKey), value); !r) return r;
    }
    if (auto r = txn.commit(); !r) return r;
    if (applying_seq != 0) applying_seq_recorded = true;
    return {};
}

void RevocationIndex::set_replicator(Replicator* replicator) { impl_->replicator = replicator; }

Result<void> RevocationIndex::apply_replicated(ByteView command, std::uint64_t stream_seq) {
    auto decoded = decode_command(command);
    if (!decoded) return tl::unexpected(decoded.error());
    auto applied = impl_->applying(stream_seq, [&] { return run_command(*this, *decoded); });
    return applied.recorded;
}

Result<std::uint64_t> RevocationIndex::applied_stream_seq() const {
    auto txn = lmdb::Txn::begin_read(impl_->env);
    if (!txn) return tl::unexpected(txn.error());
    return read_cluster_seq(*txn, impl_->dbs);
}

Result<void> RevocationIndex::copy_to(const std::string& dir) const {
    int rc = mdb_env_copy2(impl_->env.get(), dir.c_str(), MDB_CP_COMPACT);
    if (rc != 0) return tl::unexpected(lmdb::error(rc, "copy the index to " + dir));
    return {};
}

}  // namespace tanda::storage
