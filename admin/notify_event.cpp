#include "admin/notify_event.hpp"

#include <boost/json.hpp>

#include "admin/admin_service.hpp"
#include "core/revocation_reason.hpp"
#include "core/time_format.hpp"

namespace tanda::admin {
namespace {

namespace json = boost::json;

NotifyEvent event_of(const storage::JournalEntry& e, std::string type, EventStage stage) {
    NotifyEvent ev;
    ev.id = "tanda-" + std::to_string(e.seq) + "-" + type;
    ev.type = std::move(type);
    ev.stage = stage;
    ev.seq = e.seq;
    ev.time = e.time;
    ev.request_id = e.provenance.request_id;
    ev.kind = e.change.kind;
    ev.issuer = e.change.issuer;
    ev.serial = e.change.serial;
    ev.record = e.change.record;
    ev.note = e.provenance.note;
    return ev;
}

// Audit entries carry the asked-for record: revoked for a revocation, issued for a release.
std::string_view kind_text(storage::ChangeKind k, const CertRecord& r) {
    if (storage::changes_record(k)) return k == storage::ChangeKind::release ? "release" : "revoke";
    return r.state == CertState::revoked ? "revoke" : "release";
}

bool scheduled(const storage::JournalEntry& entry) {
    auto source = parse_admin_source(entry.provenance.source);
    return source && source->effective_at;
}

std::string_view status_text(const CertRecord& r) {
    if (r.state == CertState::issued) return "good";
    return r.on_hold() ? "on_hold" : "revoked";
}

}  // namespace

// The one place that says which journal entry tells a holder what: the dual-control audit
// entries give a `committed` event of their state; an applied request gives `approved` when a
// second operator approved it, then `applied`, and its `success` follows its CRL.
std::vector<NotifyEvent> events_for(const storage::JournalEntry& entry) {
    std::vector<NotifyEvent> events;
    // Imports have no request id: nobody asked, nobody is waiting to be told.
    const bool requested = !entry.provenance.request_id.empty();
    switch (entry.change.kind) {
        case storage::ChangeKind::revoke:
        case storage::ChangeKind::release:
            if (!requested) break;
            // A scheduled revocation's approval was its `scheduled` event, long before.
            if (entry.provenance.mode == storage::ApprovalMode::dual && !scheduled(entry)) {
                events.push_back(event_of(entry, "approved", EventStage::committed));
            }
            events.push_back(event_of(entry, "applied", EventStage::committed));
            events.push_back(event_of(entry, "success", EventStage::in_crl));
            break;
        case storage::ChangeKind::submitted:
            if (requested) events.push_back(event_of(entry, "pending", EventStage::committed));
            break;
        case storage::ChangeKind::rejected:
            // A scheduled revocation's cancellation closes it as rejected, noted "cancelled:".
            if (requested) {
                events.push_back(event_of(
                    entry, entry.provenance.note.starts_with("cancelled:") ? "cancelled" : "rejected",
                    EventStage::committed));
            }
            break;
        case storage::ChangeKind::scheduled:
            if (requested) events.push_back(event_of(entry, "scheduled", EventStage::committed));
            break;
        case storage::ChangeKind::cancel_requested:
            if (requested) {
                events.push_back(event_of(entry, "cancel_requested", EventStage::committed));
            }
            break;
        case storage::ChangeKind::expired:
            if (requested) events.push_back(event_of(entry, "expired", EventStage::committed));
            break;
        case storage::ChangeKind::refused:
            if (requested) events.push_back(event_of(entry, "refused", EventStage::committed));
            break;
        case storage::ChangeKind::register_certificate:
        case storage::ChangeKind::update:
            break;  // a certificate's issuance, not a request's state
        case storage::ChangeKind::crl_published:
            break;  // a CRL's; each request's `success` event follows its CRL already
        case storage::ChangeKind::notified:
            break;  // the receiver's own acknowledgement
    }
    return events;
}

std::string event_body(const NotifyEvent& event, std::string_view ca,
                       const std::optional<CrlPublication>& crl) {
    json::object o;
    o["event_id"] = event.id;
    o["type"] = event.type;
    o["request_id"] = event.request_id;
    o["kind"] = kind_text(event.kind, event.record);
    o["ca"] = ca;
    o["serial"] = event.serial.to_hex();
    o["seq"] = event.seq;
    const bool applied = storage::changes_record(event.kind);
    o["time"] = format_rfc3339(event.time);
    o["applied_at"] = applied ? json::value(format_rfc3339(event.time)) : json::value(nullptr);
    o["note"] = event.note.empty() ? json::value(nullptr) : json::value(event.note);
    // An audit event changed nothing: its status is the request's, not the certificate's.
    o["status"] = applied ? status_text(event.record) : std::string_view(event.type);
    const bool revoked = event.record.state == CertState::revoked;
    o["reason"] = revoked ? json::value(reason_name(event.record.reason)) : json::value(nullptr);
    if (crl) {
        json::object c;
        c["crl_number"] = crl->crl_number;
        c["published_at"] = format_rfc3339(crl->published_at);
        o["published_in_crl"] = std::move(c);
    } else {
        o["published_in_crl"] = nullptr;
    }
    return json::serialize(o);
}

}  // namespace tanda::admin
