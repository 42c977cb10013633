// Cluster mode of the index (storage/replicator.hpp): dispatching write commands to the write
// methods, recording the applied stream sequence in the same transaction, snapshots.
#include "storage/replicated_write.hpp"

#include <lmdb.h>

#include "storage/byte_io.hpp"
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
        return wrap(
            index.append_audit_with_meta(c.change, c.provenance, c.now, c.meta_key, c.meta_value));
    }
    Result<WriteOutcome> operator()(const PutMetaCommand& c) const {
        return wrap(index.put_meta(c.key, c.value));
    }
    Result<WriteOutcome> operator()(const MetaCounterCommand& c) const {
        return wrap(c.raise ? index.raise_meta_counter(c.key, c.value)
                            : index.next_meta_counter(c.key, c.value));
    }
};

Result<StreamPosition> read_position(const lmdb::Txn& txn, const Databases& dbs) {
    MDB_val v;
    auto found = txn.get(dbs.meta, as_bytes(kClusterSeqKey), v);
    if (!found) return tl::unexpected(found.error());
    if (!*found) return StreamPosition{0, 0, 1};
    ByteReader r(lmdb::view(v));
    StreamPosition at;
    at.seq = r.u64();
    at.index = r.u32();
    at.count = r.u32();
    if (!r.ok() || !r.at_end() || at.index >= at.count) {
        return fail(ErrorCode::incompatible, "corrupt tanda.cluster_seq in the index");
    }
    return at;
}

Result<void> write_position(lmdb::Txn& txn, const Databases& dbs, const StreamPosition& at) {
    Bytes value;
    ByteWriter w(value);
    w.u64(at.seq);
    w.u32(at.index);
    w.u32(at.count);
    return txn.put(dbs.meta, as_bytes(kClusterSeqKey), value);
}

std::string position_text(const StreamPosition& at) {
    return std::to_string(at.seq) + "#" + std::to_string(at.index);
}

bool follows(const StreamPosition& applied, const StreamPosition& next) {
    if (next.index == 0) return next.seq == applied.seq + 1 && applied.completes_message();
    return next.seq == applied.seq && next.index == applied.index + 1 &&
           next.count == applied.count;
}

}  // namespace

Result<WriteOutcome> run_command(RevocationIndex& index, const WriteCommand& command) {
    return std::visit(Runner{index}, command);
}

bool RevocationIndex::Impl::must_replicate() const {
    return replicator != nullptr && t_applying != this;
}

AppliedCommand RevocationIndex::Impl::applying(StreamPosition at,
                                               const std::function<Result<WriteOutcome>()>& write) {
    applying_at = at;
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
            out.recorded = commit_write(*txn);  // the refusal: the position alone
        }
    }
    applying_at.reset();
    return out;
}

Result<void> RevocationIndex::Impl::commit_write(lmdb::Txn& txn) {
    if (applying_at) {
        auto stored = read_position(txn, dbs);
        if (!stored) return tl::unexpected(stored.error());
        if (!follows(*stored, *applying_at)) {
            const bool done =
                stored->seq > applying_at->seq ||
                (stored->seq == applying_at->seq && stored->index >= applying_at->index);
            return fail(ErrorCode::conflict,
                        "stream position " + position_text(*applying_at) +
                            (done ? " was applied already"
                                  : " does not follow the applied " + position_text(*stored)));
        }
        if (auto r = write_position(txn, dbs, *applying_at); !r) return r;
    }
    if (auto r = txn.commit(); !r) return r;
    if (applying_at) applying_seq_recorded = true;
    return {};
}

void RevocationIndex::set_replicator(Replicator* replicator) { impl_->replicator = replicator; }

Result<void> RevocationIndex::apply_replicated(ByteView command, StreamPosition at) {
    auto decoded = decode_command(command);
    if (!decoded) return tl::unexpected(decoded.error());
    auto applied = impl_->applying(at, [&] { return run_command(*this, *decoded); });
    return applied.recorded;
}

Result<void> RevocationIndex::skip_replicated(std::uint64_t seq, std::uint32_t count) {
    auto txn = lmdb::Txn::begin_write(impl_->env);
    if (!txn) return tl::unexpected(txn.error());
    auto stored = read_position(*txn, impl_->dbs);
    if (!stored) return tl::unexpected(stored.error());
    if (!stored->completes_message() || stored->seq + 1 != seq) {
        return fail(ErrorCode::conflict, "stream sequence " + std::to_string(seq) +
                                             " does not follow the applied " +
                                             position_text(*stored));
    }
    // Its last command's position, in one transaction: a restart never resumes inside it.
    if (auto r = write_position(*txn, impl_->dbs, {seq, count - 1, count}); !r) return r;
    return impl_->commit_write(*txn);
}

Result<StreamPosition> RevocationIndex::applied_stream_position() const {
    auto txn = lmdb::Txn::begin_read(impl_->env);
    if (!txn) return tl::unexpected(txn.error());
    return read_position(*txn, impl_->dbs);
}

Result<std::uint64_t> RevocationIndex::applied_stream_seq() const {
    auto at = applied_stream_position();
    if (!at) return tl::unexpected(at.error());
    return at->completes_message() ? at->seq : at->seq - 1;
}

Result<void> RevocationIndex::copy_to(const std::string& dir) const {
    int rc = mdb_env_copy2(impl_->env.get(), dir.c_str(), MDB_CP_COMPACT);
    if (rc != 0) return tl::unexpected(lmdb::error(rc, "copy the index to " + dir));
    return {};
}

}  // namespace tanda::storage
