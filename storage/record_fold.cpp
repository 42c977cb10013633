// A journal entry replaces the whole record of its (issuer, serial): the records are the
// last-writer-wins fold of the journal.
#include "storage/record_fold.hpp"

#include "storage/record_codec.hpp"

namespace tanda::storage {

void fold_change(std::uint64_t seq, const Change& change, Bytes& key, Bytes& record) {
    encode_record_key(change.issuer, change.serial, key);
    encode_record(change.record, seq, record);
}

}  // namespace tanda::storage
