// RevocationIndex's dual-control state: pending requests and the audit entries that record
// them (FORMAT.md, "pending" and "Audit entries"). Every method is one write or read
// transaction; a pending request's journal entry and its `pending` value commit together.
#include <string>

#include "storage/index_impl.hpp"
#include "storage/replicated_write.hpp"
#include "storage/input_validation.hpp"
#include "storage/journal_appender.hpp"
#include "storage/record_codec.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::storage {
namespace {

Result<void> validate_audit(const Change& change, const Provenance& provenance) {
    if (changes_record(change)) {
        return fail(ErrorCode::invalid_argument, "an audit entry must not change a record");
    }
    if (auto r = validate_change(change); !r) return r;
    return validate_provenance(provenance);
}

// Appends one audit entry in `txn` and advances the head; returns its seq.
Result<std::uint64_t> append_in(lmdb::Txn& txn, const Databases& dbs, const Change& change,
                                const Provenance& provenance, UnixSeconds now) {
    auto head = read_journal_head(txn, dbs);
    if (!head) return tl::unexpected(head.error());
    JournalAppender appender(txn, dbs, *head);
    if (auto r = appender.apply(change, provenance, now); !r) return tl::unexpected(r.error());
    if (auto r = write_journal_head(txn, dbs, appender.head()); !r) {
        return tl::unexpected(r.error());
    }
    return appender.head().seq;
}

Result<std::optional<PendingRequest>> read_pending(const lmdb::Txn& txn, const Databases& dbs,
                                                   std::string_view id) {
    if (id.empty() || id.size() > kMaxRequestIdBytes) return std::optional<PendingRequest>{};
    MDB_val v;
    auto found = txn.get(dbs.pending, as_bytes(id), v);
    if (!found) return tl::unexpected(found.error());
    if (!*found) return std::optional<PendingRequest>{};
    PendingRequest out;
    if (!decode_pending(lmdb::view(v), out)) {
        return fail(ErrorCode::incompatible, "corrupt pending request " + std::string(id));
    }
    return std::optional<PendingRequest>(std::move(out));
}

Result<void> write_pending(lmdb::Txn& txn, const Databases& dbs, const PendingRequest& p) {
    Bytes value;
    encode_pending(p, value);
    return txn.put(dbs.pending, as_bytes(p.request_id), value);
}

// The pending request `id` in state pending; ErrorCode::not_found otherwise.
Result<PendingRequest> open_request(const lmdb::Txn& txn, const Databases& dbs,
                                    std::string_view id) {
    auto found = read_pending(txn, dbs, id);
    if (!found) return tl::unexpected(found.error());
    if (!*found || (*found)->state != PendingState::pending) {
        return fail(ErrorCode::not_found, "request \"" + std::string(id) + "\" is not pending");
    }
    return std::move(**found);
}

}  // namespace

Result<std::uint64_t> RevocationIndex::submit(const PendingRequest& request, UnixSeconds now) {
    const std::string& id = request.request_id;
    if (id.empty() || id != request.provenance.request_id || !changes_record(request.change)) {
        return fail(ErrorCode::invalid_argument, "a pending request needs its id and a change");
    }
    if (auto r = validate_change(request.change); !r) return tl::unexpected(r.error());
    if (auto r = validate_provenance(request.provenance); !r) return tl::unexpected(r.error());
    if (impl_->must_replicate()) {
        return through_replicator<std::uint64_t>(*this, *impl_, SubmitCommand{request, now});
    }
    auto txn = lmdb::Txn::begin_write(impl_->env);
    if (!txn) return tl::unexpected(txn.error());
    const Databases& dbs = impl_->dbs;
    MDB_val v;
    auto applied = txn->get(dbs.requests, as_bytes(id), v);
    if (!applied) return tl::unexpected(applied.error());
    auto earlier = read_pending(*txn, dbs, id);
    if (!earlier) return tl::unexpected(earlier.error());
    if (*applied || *earlier) {
        return fail(ErrorCode::conflict, "request id \"" + id + "\" is already used");
    }
    Change audit = request.change;
    audit.kind = ChangeKind::submitted;
    auto seq = append_in(*txn, dbs, audit, request.provenance, now);
    if (!seq) return seq;
    PendingRequest stored = request;
    stored.state = PendingState::pending;
    stored.seq = *seq;
    if (auto r = write_pending(*txn, dbs, stored); !r) return tl::unexpected(r.error());
    if (auto r = impl_->commit_write(*txn); !r) return tl::unexpected(r.error());
    return *seq;
}

Result<CommitResult> RevocationIndex::approve(std::string_view id, const Change& change,
                                              const Provenance& provenance, UnixSeconds now) {
    if (provenance.request_id != id || !changes_record(change)) {
        return fail(ErrorCode::invalid_argument, "approve() applies the request's own change");
    }
    if (auto r = validate_change(change); !r) return tl::unexpected(r.error());
    if (auto r = validate_provenance(provenance); !r) return tl::unexpected(r.error());
    if (impl_->must_replicate()) {
        return through_replicator<CommitResult>(
            *this, *impl_, ApproveCommand{std::string(id), change, provenance, now});
    }
    auto txn = lmdb::Txn::begin_write(impl_->env);
    if (!txn) return tl::unexpected(txn.error());
    const Databases& dbs = impl_->dbs;
    if (auto open = open_request(*txn, dbs, id); !open) return tl::unexpected(open.error());
    auto applied = apply_changes(*txn, dbs, {&change, 1}, provenance, now);
    if (!applied) return tl::unexpected(applied.error());
    if (applied->result.applied == 0) {
        return fail(ErrorCode::conflict, "the record already has the requested content");
    }
    if (auto r = txn->del(dbs.pending, as_bytes(id)); !r) return tl::unexpected(r.error());
    if (auto r = impl_->commit_write(*txn); !r) return tl::unexpected(r.error());
    impl_->notify(applied->committed);
    return applied->result;
}

Result<std::uint64_t> RevocationIndex::close_pending(std::string_view id, PendingState outcome,
                                                     const Provenance& provenance,
                                                     UnixSeconds now) {
    if (outcome == PendingState::pending) {
        return fail(ErrorCode::invalid_argument, "close_pending() needs rejected or expired");
    }
    if (auto r = validate_provenance(provenance); !r) return tl::unexpected(r.error());
    if (impl_->must_replicate()) {
        return through_replicator<std::uint64_t>(
            *this, *impl_, ClosePendingCommand{std::string(id), outcome, provenance, now});
    }
    auto txn = lmdb::Txn::begin_write(impl_->env);
    if (!txn) return tl::unexpected(txn.error());
    const Databases& dbs = impl_->dbs;
    auto request = open_request(*txn, dbs, id);
    if (!request) return tl::unexpected(request.error());
    Change audit = request->change;
    audit.kind = outcome == PendingState::rejected ? ChangeKind::rejected : ChangeKind::expired;
    auto seq = append_in(*txn, dbs, audit, provenance, now);
    if (!seq) return seq;
    request->state = outcome;
    request->provenance.note = provenance.note;  // why it was closed, for its status
    request->closed_seq = *seq;
    request->closed_at = now;
    if (auto r = write_pending(*txn, dbs, *request); !r) return tl::unexpected(r.error());
    if (auto r = impl_->commit_write(*txn); !r) return tl::unexpected(r.error());
    return *seq;
}

Result<std::uint64_t> RevocationIndex::append_audit(const Change& change,
                                                    const Provenance& provenance, UnixSeconds now) {
    return append_audit_with_meta(change, provenance, now, {}, {});
}

Result<std::uint64_t> RevocationIndex::append_audit_with_meta(const Change& change,
                                                              const Provenance& provenance,
                                                              UnixSeconds now,
                                                              std::string_view meta_key,
                                                              std::string_view meta_value) {
    if (auto r = validate_audit(change, provenance); !r) return tl::unexpected(r.error());
    if (!meta_key.empty()) {
        if (auto r = validate_meta_key(meta_key); !r) return tl::unexpected(r.error());
        if (auto r = validate_meta_value(meta_value); !r) return tl::unexpected(r.error());
    }
    if (impl_->must_replicate()) {
        return through_replicator<std::uint64_t>(
            *this, *impl_,
            AppendAuditCommand{change, provenance, now, std::string(meta_key),
                               std::string(meta_value)});
    }
    auto txn = lmdb::Txn::begin_write(impl_->env);
    if (!txn) return tl::unexpected(txn.error());
    if (change.kind == ChangeKind::notified && !meta_key.empty()) {
        // Once per request: two webhook targets acknowledging at once (on two nodes, perhaps)
        // both ask; the first to be applied wins, alike on every node.
        MDB_val v;
        auto found = txn->get(impl_->dbs.meta, as_bytes(meta_key), v);
        if (!found) return tl::unexpected(found.error());
        if (*found) {
            return fail(ErrorCode::conflict,
                        "the request's holder was told already (" + std::string(meta_key) + ")");
        }
    }
    auto seq = append_in(*txn, impl_->dbs, change, provenance, now);
    if (!seq) return seq;
    if (!meta_key.empty()) {
        if (auto r = txn->put(impl_->dbs.meta, as_bytes(meta_key), as_bytes(meta_value)); !r) {
            return tl::unexpected(r.error());
        }
    }
    if (auto r = impl_->commit_write(*txn); !r) return tl::unexpected(r.error());
    return *seq;
}

Result<std::optional<PendingRequest>> RevocationIndex::find_pending(std::string_view id) const {
    auto txn = lmdb::Txn::begin_read(impl_->env);
    if (!txn) return tl::unexpected(txn.error());
    return read_pending(*txn, impl_->dbs, id);
}

Result<std::vector<PendingRequest>> RevocationIndex::pending_requests() const {
    auto txn = lmdb::Txn::begin_read(impl_->env);
    if (!txn) return tl::unexpected(txn.error());
    auto cursor = lmdb::Cursor::open(*txn, impl_->dbs.pending);
    if (!cursor) return tl::unexpected(cursor.error());
    std::vector<PendingRequest> out;
    MDB_val k, v;
    for (auto op = MDB_FIRST;; op = MDB_NEXT) {
        auto found = cursor->move(k, v, op);
        if (!found) return tl::unexpected(found.error());
        if (!*found) return out;
        PendingRequest p;
        if (!decode_pending(lmdb::view(v), p)) {
            return fail(ErrorCode::incompatible, "corrupt pending request in the index");
        }
        out.push_back(std::move(p));
    }
}

}  // namespace tanda::storage
