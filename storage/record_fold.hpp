// The one rule by which a journal entry sets a record (FORMAT.md, "Journal"): the live write
// path (JournalAppender) and the refold verification (journal_refold.cpp) both apply entries
// through it, for the entries changes_record() (revocation_index.hpp) says set a record, so
// verification cannot drift from what commits write.
#pragma once

#include "storage/revocation_index.hpp"

namespace tanda::storage {

// The record key and the record bytes (last_seq = `seq`) that journal entry `seq` carrying
// `change` writes; replaces the content of both buffers.
void fold_change(std::uint64_t seq, const Change& change, Bytes& key, Bytes& record);

}  // namespace tanda::storage
