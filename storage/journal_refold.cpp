// RevocationIndex::verify_records: the records must be exactly the fold of the journal
// (FORMAT.md, "Journal"), so an edit made behind the index's back is found.
#include <algorithm>
#include <map>
#include <string>

#include "storage/index_impl.hpp"
#include "storage/record_codec.hpp"
#include "storage/record_fold.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::storage {
namespace {

// Record key -> record bytes; std::byte compares unsigned, so this is LMDB's key order.
using FoldedRecords = std::map<Bytes, Bytes>;

Result<FoldedRecords> refold(const lmdb::Txn& txn, const Databases& dbs) {
    auto cursor = lmdb::Cursor::open(txn, dbs.journal);
    if (!cursor) return tl::unexpected(cursor.error());
    FoldedRecords folded;
    JournalEntry entry;
    Bytes key, record;
    MDB_val k, v;
    for (auto op = MDB_FIRST;; op = MDB_NEXT) {
        auto found = cursor->move(k, v, op);
        if (!found) return tl::unexpected(found.error());
        if (!*found) return folded;
        if (!decode_entry(lmdb::view(v), entry)) {
            return fail(ErrorCode::incompatible, "corrupt journal entry: run verify_journal");
        }
        if (!changes_record(entry)) continue;
        fold_change(entry.seq, entry.change, key, record);
        folded.insert_or_assign(key, record);
    }
}

// The first field in which `stored` differs from `expected` (both already unequal as bytes).
std::string differing_field(const CertRecord& expected, const CertRecord& stored) {
    if (expected.state != stored.state) return "state";
    if (expected.reason != stored.reason) return "reason";
    if (expected.invalidity_date != stored.invalidity_date) return "invalidity_date";
    if (expected.revoked_at != stored.revoked_at) return "revoked_at";
    if (expected.not_after != stored.not_after) return "not_after";
    if (expected.subject != stored.subject) return "subject";
    if (expected.last_seq != stored.last_seq) return "last_seq";
    return "encoding";
}

RecordDifference difference_at(ByteView key, std::string field, std::uint64_t journal_seq) {
    RecordDifference d;
    d.field = std::move(field);
    d.journal_seq = journal_seq;
    if (auto issuer = decode_issuer_key(key.first(std::min<std::size_t>(key.size(), 4)))) {
        d.issuer = *issuer;
    }
    if (key.size() > 4) d.serial = Serial::from_magnitude(key.subspan(4));
    return d;
}

// nullopt when the stored bytes equal the folded ones.
std::optional<RecordDifference> compare_one(ByteView key, ByteView expected, ByteView stored) {
    if (std::ranges::equal(expected, stored)) return std::nullopt;
    CertRecord want, have;
    decode_record(expected, want);  // the fold's own encoding: always decodes
    const std::string field =
        decode_record(stored, have) ? differing_field(want, have) : std::string("encoding");
    return difference_at(key, field, want.last_seq);
}

std::uint64_t seq_of(ByteView record) {
    CertRecord r;
    decode_record(record, r);
    return r.last_seq;
}

// Walks the stored records and the folded ones side by side, in key order.
Result<std::optional<RecordDifference>> compare_all(const lmdb::Txn& txn, const Databases& dbs,
                                                    const FoldedRecords& folded) {
    auto cursor = lmdb::Cursor::open(txn, dbs.records);
    if (!cursor) return tl::unexpected(cursor.error());
    auto it = folded.begin();
    MDB_val k, v;
    for (auto op = MDB_FIRST;; op = MDB_NEXT) {
        auto found = cursor->move(k, v, op);
        if (!found) return tl::unexpected(found.error());
        if (!*found) break;
        const ByteView key = lmdb::view(k);
        const bool before_folded =
            it == folded.end() || std::ranges::lexicographical_compare(key, it->first);
        if (before_folded) return difference_at(key, "extra", 0);
        if (std::ranges::lexicographical_compare(it->first, key)) {
            return difference_at(it->first, "missing", seq_of(it->second));
        }
        if (auto d = compare_one(key, it->second, lmdb::view(v))) return d;
        ++it;
    }
    if (it != folded.end()) return difference_at(it->first, "missing", seq_of(it->second));
    return std::nullopt;
}

}  // namespace

Result<std::optional<RecordDifference>> RevocationIndex::verify_records() const {
    // One snapshot for both passes: a commit in between would look like a difference.
    auto txn = lmdb::Txn::begin_read(impl_->env);
    if (!txn) return tl::unexpected(txn.error());
    auto folded = refold(*txn, impl_->dbs);
    if (!folded) return tl::unexpected(folded.error());
    return compare_all(*txn, impl_->dbs, *folded);
}

}  // namespace tanda::storage
