#include "admin/admin_json.hpp"

#include <boost/json.hpp>

#include "admin/crl_stages.hpp"
#include "core/time_format.hpp"

namespace tanda::admin {
namespace {

namespace json = boost::json;

json::value time_or_null(std::optional<UnixSeconds> t) {
    if (!t) return nullptr;
    return json::value(format_rfc3339(*t));
}

std::string_view status_name(const CertRecord& r) {
    if (r.state == CertState::issued) return "good";
    return r.on_hold() ? "on_hold" : "revoked";
}

void put_record(json::object& o, const CertRecord& r) {
    o["status"] = status_name(r);
    const bool revoked = r.state == CertState::revoked;
    o["reason"] = revoked ? json::value(reason_name(r.reason)) : json::value(nullptr);
    o["revoked_at"] = time_or_null(revoked ? std::optional(r.revoked_at) : std::nullopt);
    o["invalidity_date"] = time_or_null(r.invalidity_date);
    o["subject_dn"] = r.subject;
    o["not_after"] = time_or_null(r.not_after ? std::optional(r.not_after) : std::nullopt);
}

std::string_view mode_text(storage::ApprovalMode m) {
    switch (m) {
        case storage::ApprovalMode::single:
            return "single";
        case storage::ApprovalMode::dual:
            return "dual";
        case storage::ApprovalMode::none:
            break;
    }
    return "";
}

json::value text_or_null(const std::string& s) {
    if (s.empty()) return nullptr;
    return json::value(s);
}

}  // namespace

json::object to_json(const ChangeResult& r) {
    json::object o;
    o["request_id"] = r.request_id;
    o["ca"] = r.ca;
    o["serial"] = r.serial.to_hex();
    if (r.pending) {
        // Nothing changed yet: the answer says so instead of showing the asked-for record.
        o["kind"] = r.kind;
        o["status"] = "pending";
        o["seq"] = r.seq;
        o["submitted_at"] = format_rfc3339(r.applied_at);
        o["expires_at"] = format_rfc3339(r.expires_at);
        if (r.effective_at) o["effective_at"] = format_rfc3339(*r.effective_at);
        return o;
    }
    if (r.scheduled) {
        // Approved, applied at effective_at: OCSP and CRLs are unchanged until then.
        o["kind"] = r.kind;
        o["status"] = "scheduled";
        o["seq"] = r.seq;
        o["approved_at"] = format_rfc3339(r.applied_at);
        o["effective_at"] = format_rfc3339(r.effective_at.value_or(0));
        o["reason"] = reason_name(r.record.reason);
        return o;
    }
    put_record(o, r.record);
    o["seq"] = r.seq;
    o["applied_at"] = format_rfc3339(r.applied_at);
    return o;
}

json::object to_json(const CertificateView& v) {
    json::object o;
    o["ca"] = v.ca;
    o["serial"] = v.serial.to_hex();
    put_record(o, v.record);
    o["last_seq"] = v.record.last_seq;
    return o;
}

json::object to_json(const RegistrationResult& r) {
    json::object o;
    o["offered"] = r.offered;
    o["registered"] = r.registered;
    o["unchanged"] = r.unchanged;
    o["kept_revoked"] = r.kept_revoked;
    o["last_seq"] = r.last_seq;
    json::array certs;
    for (const auto& c : r.certificates) certs.push_back(to_json(c));
    o["certificates"] = std::move(certs);
    return o;
}

json::object to_json(const PendingView& v) {
    const auto& p = v.request;
    json::object o;
    o["request_id"] = p.request_id;
    o["kind"] = v.kind;
    o["ca"] = v.ca;
    o["serial"] = p.change.serial.to_hex();
    o["status"] = v.state;
    o["reason"] = p.change.kind == storage::ChangeKind::revoke
                      ? json::value(reason_name(p.change.record.reason))
                      : json::value(nullptr);
    o["requested_by"] = p.provenance.requested_by;
    o["approved_by"] = p.provenance.approved_by;
    o["evidence_sha256"] = p.provenance.evidence_sha256;
    o["submitted_by"] = p.provenance.submitted_by_identity;
    o["submitted_at"] = format_rfc3339(p.submitted_at);
    o["expires_at"] = format_rfc3339(p.expires_at);
    o["seq"] = p.seq;
    o["closed_seq"] = p.closed_seq ? json::value(p.closed_seq) : json::value(nullptr);
    o["closed_at"] = time_or_null(p.closed_at ? std::optional(p.closed_at) : std::nullopt);
    o["note"] = text_or_null(p.provenance.note);
    return o;
}

json::object to_json(const std::vector<PendingView>& list) {
    json::array items;
    for (const auto& v : list) items.push_back(to_json(v));
    return json::object{{"requests", std::move(items)}};
}

json::object to_json(const ScheduledView& v) {
    json::object o;
    o["request_id"] = v.request_id;
    o["ca"] = v.ca;
    o["serial"] = v.serial.to_hex();
    o["reason"] = reason_name(v.reason);
    o["effective_at"] = format_rfc3339(v.effective_at);
    o["status"] = v.state;
    o["submitted_at"] = format_rfc3339(v.submitted_at);
    o["approved_at"] = time_or_null(v.approved_at);
    o["expires_at"] = time_or_null(v.expires_at);
    o["cancel_requested_at"] = time_or_null(v.cancel_requested_at);
    return o;
}

json::object to_json(const std::vector<ScheduledView>& list) {
    json::array items;
    for (const auto& v : list) items.push_back(to_json(v));
    return json::object{{"scheduled", std::move(items)}};
}

json::object to_json(const RequestStatus& s) {
    json::object o;
    o["request_id"] = s.request_id;
    o["kind"] = s.kind;
    o["ca"] = s.ca;
    o["serial"] = s.serial.to_hex();
    o["seq"] = s.seq;
    o["received_at"] = time_or_null(s.received_at);
    if (s.effective_at) o["effective_at"] = format_rfc3339(*s.effective_at);
    if (s.effective_at || s.approved_at) o["approved_at"] = time_or_null(s.approved_at);
    if (s.cancel_requested_at) o["cancel_requested_at"] = format_rfc3339(*s.cancel_requested_at);
    if (s.state == "pending" || s.state == "rejected" || s.state == "expired" ||
        s.state == "scheduled" || s.state == "cancelled") {
        o["status"] = s.state;  // nothing applied: OCSP and CRLs are unchanged
        o["expires_at"] = time_or_null(s.expires_at);
        o["closed_at"] = time_or_null(s.closed_at);
        o["reason"] = text_or_null(s.note);
        return o;
    }
    o["applied_at"] = format_rfc3339(s.applied_at);
    o["visible_in_ocsp_at"] = format_rfc3339(s.ocsp_visible_at);
    if (s.crl) {
        json::object crl;
        crl["crl_number"] = s.crl->crl_number;
        crl["published_at"] = format_rfc3339(s.crl->published_at);
        o["published_in_crl"] = std::move(crl);
    } else {
        o["published_in_crl"] = nullptr;
    }
    o["notified_at"] = time_or_null(s.notified_at);
    o["crl_publisher"] = s.crl_publisher;
    o["status"] = s.state;
    return o;
}

json::object to_json(const JournalPage& page, const AdminService& service) {
    json::array entries;
    for (const auto& e : page.entries) {
        json::object o;
        o["seq"] = e.seq;
        o["time"] = format_rfc3339(e.time);
        o["kind"] = kind_name(e.change.kind);
        o["issuer_id"] = e.change.issuer;
        o["ca"] = service.ca_name(e.change.issuer);
        o["serial"] = e.change.serial.to_hex();
        put_record(o, e.change.record);
        o["request_id"] = e.provenance.request_id;
        o["requested_by"] = e.provenance.requested_by;
        o["approved_by"] = e.provenance.approved_by;
        o["evidence_sha256"] = e.provenance.evidence_sha256;
        o["source"] = e.provenance.source;
        o["mode"] = text_or_null(std::string(mode_text(e.provenance.mode)));
        o["submitted_by"] = text_or_null(e.provenance.submitted_by_identity);
        o["approved_by_operator"] = text_or_null(e.provenance.approved_by_identity);
        o["note"] = text_or_null(e.provenance.note);
        // Stages of a request read off the entry (README, "Revocation workflow"): a record's
        // change is what OCSP answers from its commit; a crl_published entry names its CRL.
        o["visible_in_ocsp_at"] =
            storage::changes_record(e) ? json::value(format_rfc3339(e.time)) : json::value(nullptr);
        if (auto crl = parse_crl_stage(e)) {
            o["crl"] = json::object{{"number", crl->crl_number},
                                    {"this_update", format_rfc3339(crl->this_update)},
                                    {"delta", crl->delta},
                                    {"covers_from_seq", crl->after_seq + 1},
                                    {"covers_to_seq", crl->covered_seq}};
        } else {
            o["crl"] = nullptr;
        }
        o["prev_hash"] = to_hex(e.prev_hash);
        o["hash"] = to_hex(e.hash);
        entries.push_back(std::move(o));
    }
    json::object out;
    out["entries"] = std::move(entries);
    out["next_since"] = page.next_since;
    out["at_end"] = page.at_end;
    return out;
}

json::object to_json(const JournalCheck& check) {
    json::object o;
    o["ok"] = check.ok();
    o["first_bad_seq"] =
        check.first_bad_seq ? json::value(*check.first_bad_seq) : json::value(nullptr);
    o["entries"] = check.entries;
    o["records_checked"] = !check.first_bad_seq.has_value();
    json::value diff = nullptr;
    if (const auto& d = check.first_difference) {
        diff = json::object{{"ca", check.difference_ca},
                            {"issuer_id", d->issuer},
                            {"serial", d->serial.to_hex()},
                            {"field", d->field},
                            {"journal_seq", d->journal_seq}};
    }
    o["first_difference"] = std::move(diff);
    return o;
}

namespace {

json::object crl_json(const IssuedCrl& c) {
    json::object o;
    o["crl_number"] = c.crl_number;
    o["this_update"] = format_rfc3339(c.this_update);
    o["next_update"] = format_rfc3339(c.next_update);
    return o;
}

}  // namespace

json::object to_json(const CrlGeneration& g) {
    json::object o = crl_json(g.full);
    o["ca"] = g.ca;
    if (g.delta) {
        json::object d = crl_json(*g.delta);
        if (g.delta_base) d["base_crl_number"] = *g.delta_base;
        o["delta"] = std::move(d);
    } else {
        o["delta"] = nullptr;
    }
    return o;
}

json::object to_json(const CrlImported& i) {
    json::object o = crl_json(i.crl);
    o["ca"] = i.ca;
    o["kind"] = i.delta_base ? "delta" : "full";
    if (i.delta_base) o["base_crl_number"] = *i.delta_base;
    o["entries"] = i.entries;
    o["revoked"] = i.revoked;
    o["released"] = i.released;
    o["unchanged"] = i.unchanged;
    o["expired_holds_kept"] = i.kept_expired;
    return o;
}

json::object to_json(const std::vector<BlockInfo>& blocks, UnixSeconds now,
                     const RateLimitOptions& limits) {
    json::array list;
    for (const auto& b : blocks) {
        list.push_back(json::object{{"key", b.key},
                                    {"failures", b.failures},
                                    {"seconds_left", b.seconds_left},
                                    {"blocked_until", format_rfc3339(now + b.seconds_left)}});
    }
    return json::object{{"blocks", std::move(list)},
                        {"max_failures", limits.max_failures},
                        {"window_seconds", limits.window.count()},
                        {"block_seconds", limits.block.count()}};
}

}  // namespace tanda::admin
