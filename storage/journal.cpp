// RevocationIndex's journal: the committing write path, reading history, verifying the hash
// chain and the request id map (FORMAT.md, "Journal").
#include <algorithm>
#include <string>

#include "storage/index_impl.hpp"
#include "storage/input_validation.hpp"
#include "storage/journal_appender.hpp"
#include "storage/record_codec.hpp"
#include "storage/replicated_write.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::storage {
namespace {

// Entries verified per read transaction, so verifying a long journal never pins old pages
// for long (entries are append-only, so chunking does not change the result).
constexpr std::size_t kVerifyChunk = 4096;

Result<void> validate_all(std::span<const Change> changes, const Provenance& provenance) {
    if (auto r = validate_provenance(provenance); !r) return r;
    for (std::size_t i = 0; i < changes.size(); ++i) {
        if (auto r = validate_change(changes[i]); !r) {
            return tl::unexpected(r.error().with_context("change " + std::to_string(i)));
        }
    }
    return {};
}

Result<void> check_request_unused(const lmdb::Txn& txn, const Databases& dbs, std::string_view id) {
    MDB_val v;
    auto found = txn.get(dbs.requests, as_bytes(id), v);
    if (!found) return tl::unexpected(found.error());
    if (!*found) return {};
    auto seq = decode_u64(lmdb::view(v));
    return fail(ErrorCode::conflict, "request id \"" + std::string(id) + "\" was already applied" +
                                         (seq ? " at journal seq " + std::to_string(*seq) : ""));
}

// Checks one stored entry against its expected seq and predecessor hash.
bool entry_intact(ByteView key, ByteView value, std::uint64_t expected, const Sha256Digest& prev,
                  JournalEntry& scratch) {
    auto seq = decode_seq_key(key);
    return seq && *seq == expected && decode_entry(value, scratch) && scratch.seq == expected &&
           scratch.prev_hash == prev && recompute_entry_hash(value) == scratch.hash;
}

}  // namespace

Result<AppliedChanges> apply_changes(lmdb::Txn& txn, const Databases& dbs,
                                     std::span<const Change> changes, const Provenance& provenance,
                                     UnixSeconds now) {
    if (!provenance.request_id.empty()) {
        if (auto r = check_request_unused(txn, dbs, provenance.request_id); !r) {
            return tl::unexpected(r.error());
        }
    }
    auto head = read_journal_head(txn, dbs);
    if (!head) return tl::unexpected(head.error());

    JournalAppender appender(txn, dbs, *head);
    AppliedChanges out;
    for (const Change& change : changes) {
        auto applied = appender.apply(change, provenance, now);
        if (!applied) return tl::unexpected(applied.error());
        ++(*applied ? out.result.applied : out.result.unchanged);
        if (*applied) {
            out.committed.push_back({change.issuer, change.serial, appender.head().seq, change.kind,
                                     change.record.state, change.record.reason});
        }
    }
    out.result.last_seq = appender.head().seq;
    if (out.result.applied > 0) {
        if (auto r = write_journal_head(txn, dbs, appender.head()); !r) {
            return tl::unexpected(r.error());
        }
    }
    if (!provenance.request_id.empty()) {
        // Mapped to the journal head even when every change was unchanged, so a retry of the
        // request is recognised (FORMAT.md, "requests").
        auto seq = encode_u64(out.result.last_seq);
        if (auto r = txn.put(dbs.requests, as_bytes(provenance.request_id), seq); !r) {
            return tl::unexpected(r.error());
        }
    }
    return out;
}

void RevocationIndex::Impl::notify(std::span<const CommittedChange> committed) {
    if (committed.empty()) return;
    std::lock_guard lock(observers_mutex);
    for (const auto& observer : observers) observer(committed);
}

Result<CommitResult> RevocationIndex::commit(std::span<const Change> changes,
                                             const Provenance& provenance, UnixSeconds now) {
    if (auto r = validate_all(changes, provenance); !r) return tl::unexpected(r.error());
    // Audit entries go through submit/close_pending/append_audit, which never map request ids.
    for (const Change& change : changes) {
        if (!changes_record(change)) {
            return fail(ErrorCode::invalid_argument, "commit() takes record changes only");
        }
    }
    if (impl_->must_replicate()) {
        return through_replicator<CommitResult>(
            *this, *impl_,
            CommitCommand{std::vector<Change>(changes.begin(), changes.end()), provenance, now});
    }
    auto txn = lmdb::Txn::begin_write(impl_->env);
    if (!txn) return tl::unexpected(txn.error());
    auto applied = apply_changes(*txn, impl_->dbs, changes, provenance, now);
    if (!applied) return tl::unexpected(applied.error());
    if (auto r = impl_->commit_write(*txn); !r) return tl::unexpected(r.error());
    impl_->notify(applied->committed);
    return applied->result;
}

void RevocationIndex::add_commit_observer(CommitObserver observer) {
    std::lock_guard lock(impl_->observers_mutex);
    impl_->observers.push_back(std::move(observer));
}

Result<std::vector<JournalEntry>> RevocationIndex::journal(std::uint64_t since,
                                                           std::size_t limit) const {
    std::vector<JournalEntry> out;
    if (limit == 0) return out;
    auto txn = lmdb::Txn::begin_read(impl_->env);
    if (!txn) return tl::unexpected(txn.error());
    auto cursor = lmdb::Cursor::open(*txn, impl_->dbs.journal);
    if (!cursor) return tl::unexpected(cursor.error());
    out.reserve(std::min<std::size_t>(limit, 1024));
    const auto start = encode_seq_key(since);
    MDB_val k = lmdb::to_val(start), v;
    for (auto op = MDB_SET_RANGE; out.size() < limit; op = MDB_NEXT) {
        auto found = cursor->move(k, v, op);
        if (!found) return tl::unexpected(found.error());
        if (!*found) break;
        JournalEntry entry;
        if (!decode_entry(lmdb::view(v), entry)) {
            return fail(ErrorCode::incompatible,
                        "corrupt journal entry after seq " +
                            std::to_string(out.empty() ? since : out.back().seq) + ": run verify");
        }
        out.push_back(std::move(entry));
    }
    return out;
}

Result<JournalHead> RevocationIndex::journal_head() const {
    auto txn = lmdb::Txn::begin_read(impl_->env);
    if (!txn) return tl::unexpected(txn.error());
    return read_journal_head(*txn, impl_->dbs);
}

Result<std::optional<std::uint64_t>> RevocationIndex::verify_journal() const {
    std::uint64_t expected = 1;
    Sha256Digest prev{};
    JournalHead head;
    JournalEntry scratch;
    for (bool first = true;; first = false) {
        auto txn = lmdb::Txn::begin_read(impl_->env);
        if (!txn) return tl::unexpected(txn.error());
        if (first) {
            auto h = read_journal_head(*txn, impl_->dbs);
            if (!h) return tl::unexpected(h.error());
            head = *h;
        }
        auto cursor = lmdb::Cursor::open(*txn, impl_->dbs.journal);
        if (!cursor) return tl::unexpected(cursor.error());
        const auto start = encode_seq_key(expected);
        MDB_val k = lmdb::to_val(start), v;
        std::size_t count = 0;
        for (auto op = first ? MDB_FIRST : MDB_SET_RANGE; count < kVerifyChunk; op = MDB_NEXT) {
            auto found = cursor->move(k, v, op);
            if (!found) return tl::unexpected(found.error());
            if (!*found) break;
            if (!entry_intact(lmdb::view(k), lmdb::view(v), expected, prev, scratch)) {
                return expected;
            }
            // The head recorded in meta anchors the newest entry against replacement.
            if (expected == head.seq && scratch.hash != head.hash) return expected;
            prev = scratch.hash;
            ++expected;
            ++count;
        }
        if (count < kVerifyChunk) break;
    }
    // Entries up to the recorded head must all exist: a truncated tail is a missing entry.
    if (expected <= head.seq) return expected;
    return std::nullopt;
}

Result<std::optional<std::uint64_t>> RevocationIndex::find_request(std::string_view id) const {
    if (id.empty() || id.size() > kMaxRequestIdBytes) return std::nullopt;
    auto txn = lmdb::Txn::begin_read(impl_->env);
    if (!txn) return tl::unexpected(txn.error());
    MDB_val v;
    auto found = txn->get(impl_->dbs.requests, as_bytes(id), v);
    if (!found) return tl::unexpected(found.error());
    if (!*found) return std::nullopt;
    auto seq = decode_u64(lmdb::view(v));
    if (!seq) return fail(ErrorCode::incompatible, "corrupt request entry for " + std::string(id));
    return *seq;
}

}  // namespace tanda::storage
