#include "admin/notify_event.hpp"

#include <boost/json.hpp>

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
    return ev;
}

std::string_view kind_text(storage::ChangeKind k) {
    return k == storage::ChangeKind::release ? "release" : "revoke";
}

std::string_view status_text(const CertRecord& r) {
    if (r.state == CertState::issued) return "good";
    return r.on_hold() ? "on_hold" : "revoked";
}

}  // namespace

// The one place that says which journal entry tells a holder what. Kinds added to the journal
// (the dual-control audit entries: pending, rejected, expired, refused) become a case here
// giving a `committed` event of their name; an applied request's `success` follows its CRL.
std::vector<NotifyEvent> events_for(const storage::JournalEntry& entry) {
    std::vector<NotifyEvent> events;
    switch (entry.change.kind) {
        case storage::ChangeKind::revoke:
        case storage::ChangeKind::release:
            // Imports have no request id: nobody asked, nobody is waiting to be told.
            if (entry.provenance.request_id.empty()) break;
            events.push_back(event_of(entry, "applied", EventStage::committed));
            events.push_back(event_of(entry, "success", EventStage::in_crl));
            break;
        case storage::ChangeKind::register_certificate:
        case storage::ChangeKind::update:
            break;  // a certificate's issuance, not a request's state
    }
    return events;
}

std::string event_body(const NotifyEvent& event, std::string_view ca,
                       const std::optional<CrlPublication>& crl) {
    json::object o;
    o["event_id"] = event.id;
    o["type"] = event.type;
    o["request_id"] = event.request_id;
    o["kind"] = kind_text(event.kind);
    o["ca"] = ca;
    o["serial"] = event.serial.to_hex();
    o["seq"] = event.seq;
    o["applied_at"] = format_rfc3339(event.time);
    o["status"] = status_text(event.record);
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
