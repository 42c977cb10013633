// Applies changes inside one write transaction: compares each with the stored record, appends
// a hash-chained journal entry and writes the record (the fold of the journal). Reuses its
// buffers across changes so a bulk import does not allocate per change.
#pragma once

#include <vector>

#include "storage/index_impl.hpp"

namespace tanda::storage {

class JournalAppender {
public:
    JournalAppender(lmdb::Txn& txn, const Databases& dbs, JournalHead head)
        : txn_(txn), dbs_(dbs), head_(head) {}

    // True when an entry was appended, false when the stored record has the same content.
    // A change that is an audit entry (!changes_record) is appended and touches no record.
    // ErrorCode::conflict for a change that would undo or rewrite a final revocation.
    Result<bool> apply(const Change& change, const Provenance& provenance, UnixSeconds now);
    const JournalHead& head() const { return head_; }

private:
    Result<void> check_issuer(IssuerId issuer);
    // stored_ is the record `change` replaces.
    Result<void> keeps_final_revocation(const Change& change) const;
    Result<void> append_entry(const Change& change, const Provenance& provenance, UnixSeconds now);

    lmdb::Txn& txn_;
    const Databases& dbs_;
    JournalHead head_;
    std::vector<IssuerId> known_issuers_;
    Bytes key_;
    Bytes record_;
    Bytes entry_;
    CertRecord stored_;
};

}  // namespace tanda::storage
