// The one rule by which a journal entry sets a record (FORMAT.md, "Journal"): the live write
// path (JournalAppender) and the refold verification (journal_refold.cpp) both apply entries
// through it, so verification cannot drift from what commits write.
#pragma once

#include "storage/revocation_index.hpp"

namespace tanda::storage {

// True when `entry` sets a record. Every entry kind does today; audit-only kinds will not.
bool changes_record(const JournalEntry& entry);

// The record key and the record bytes (last_seq = `seq`) that journal entry `seq` carrying
// `change` writes; replaces the content of both buffers.
void fold_change(std::uint64_t seq, const Change& change, Bytes& key, Bytes& record);

}  // namespace tanda::storage
