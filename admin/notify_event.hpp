// Holder notifications as a function of the journal: every request state change is a journal
// entry committed durably, so the webhook events are derived from the entries instead of being
// written to an outbox of their own. Nothing committed can then be lost between a commit and an
// enqueue, events come in journal order, and a cluster node can deliver from the replicated
// journal (DESIGN.md, "Admin" and "Growing past one machine").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admin/crl_publication.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::admin {

// When an event may be sent: as soon as its entry is committed, or once a CRL of the CA that
// reflects the entry has been published (the request's "success": OCSP answered from the
// index since the commit, and now the CRL says it too).
enum class EventStage { committed, in_crl };

struct NotifyEvent {
    // "tanda-<seq>-<type>": the same on every retry, every restart and every cluster node
    // (seqs are the replicated journal's), so receivers drop duplicates by it.
    std::string id;
    // "pending", "approved", "applied", "success", "rejected", "expired", "refused"
    std::string type;
    EventStage stage = EventStage::committed;
    std::uint64_t seq = 0;  // the journal entry it derives from
    UnixSeconds time = 0;   // when that entry was committed
    std::string request_id;
    storage::ChangeKind kind = storage::ChangeKind::revoke;
    storage::IssuerId issuer = 0;
    Serial serial;
    CertRecord record;  // the certificate's record as the entry left it (audit: as asked)
    std::string note;   // why, for rejected, expired and refused
};

// The events one journal entry gives, in the order they must reach a receiver (an entry's
// `committed` events before its `in_crl` ones). Empty for entries that are no request's state
// change (imports and registrations). Pure: the same entry always gives the same events.
std::vector<NotifyEvent> events_for(const storage::JournalEntry& entry);

// The JSON body of `event` for a receiver: its id, type, request, CA name `ca`, serial,
// certificate status and, for `success`, the CRL that reflects it.
std::string event_body(const NotifyEvent& event, std::string_view ca,
                       const std::optional<CrlPublication>& crl);

}  // namespace tanda::admin
