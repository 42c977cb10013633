// Journal append and apply, one change at a time, within the caller's write transaction.
#include "storage/journal_appender.hpp"

#include <algorithm>
#include <string>

#include "storage/record_codec.hpp"
#include "storage/record_fold.hpp"

namespace tanda::storage {

Result<void> JournalAppender::check_issuer(IssuerId issuer) {
    if (std::ranges::find(known_issuers_, issuer) != known_issuers_.end()) return {};
    MDB_val v;
    auto found = txn_.get(dbs_.issuer_ids, encode_issuer_key(issuer), v);
    if (!found) return tl::unexpected(found.error());
    if (!*found) {
        return fail(ErrorCode::invalid_argument, "unknown issuer id " + std::to_string(issuer));
    }
    known_issuers_.push_back(issuer);
    return {};
}

Result<void> JournalAppender::keeps_final_revocation(const Change& change) const {
    // RFC 5280 5.3.1: only certificateHold is undone. Checked here, when a write applies, and
    // not only by the caller that read the record before: two nodes' writes to one record are
    // ordered by the cluster's stream, and the later one is refused alike on every node.
    if (stored_.state != CertState::revoked || stored_.on_hold()) return {};
    const CertRecord& next = change.record;
    if (next.state == CertState::revoked && next.reason == stored_.reason &&
        next.revoked_at == stored_.revoked_at && next.invalidity_date == stored_.invalidity_date) {
        return {};  // the revocation kept; other fields (not_after, subject) may be filled in
    }
    return fail(ErrorCode::conflict, "serial " + change.serial.to_hex() +
                                         " is already revoked for good; it cannot be " +
                                         (next.state == CertState::revoked ? "revoked again"
                                                                           : "released"));
}

Result<bool> JournalAppender::apply(const Change& change, const Provenance& provenance,
                                    UnixSeconds now) {
    if (auto r = check_issuer(change.issuer); !r) return tl::unexpected(r.error());
    // Audit entries are history only: never compared with, nor written to, a record.
    if (!changes_record(change)) {
        if (auto r = append_entry(change, provenance, now); !r) return tl::unexpected(r.error());
        return true;
    }
    encode_record_key(change.issuer, change.serial, key_);
    MDB_val v;
    auto found = txn_.get(dbs_.records, key_, v);
    if (!found) return tl::unexpected(found.error());
    if (*found) {
        if (!decode_record(lmdb::view(v), stored_)) {
            return fail(ErrorCode::incompatible,
                        "corrupt record for serial " + change.serial.to_hex());
        }
        if (stored_.same_content(change.record)) return false;
        if (auto r = keeps_final_revocation(change); !r) return tl::unexpected(r.error());
    }
    if (auto r = append_entry(change, provenance, now); !r) return tl::unexpected(r.error());
    // The same fold the refold verification replays (record_fold.hpp).
    fold_change(head_.seq, change, key_, record_);
    if (auto r = txn_.put(dbs_.records, key_, record_); !r) return tl::unexpected(r.error());
    return true;
}

Result<void> JournalAppender::append_entry(const Change& change, const Provenance& provenance,
                                           UnixSeconds now) {
    const std::uint64_t seq = head_.seq + 1;
    Sha256Digest hash = encode_entry(seq, now, change, provenance, head_.hash, entry_);
    // Keys are big-endian seqs, always above the last one: MDB_APPEND skips the tree search.
    if (auto r = txn_.put(dbs_.journal, encode_seq_key(seq), entry_, MDB_APPEND); !r) {
        return tl::unexpected(
            r.error().with_context("append journal entry " + std::to_string(seq)));
    }
    head_ = JournalHead{seq, hash};
    return {};
}

}  // namespace tanda::storage
