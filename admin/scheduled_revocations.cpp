// AdminService's scheduled revocations (issue 21): a holder's known end of term registered
// ahead. The request is a pending request (storage `pending`) whose source carries
// effective_at; the approval that schedules it is a `schedule:<id>` meta key and a `scheduled`
// audit entry, and the sweep (expire_pending) applies it through the same storage approve()
// an approval uses, at effective_at, which is also its revocation time. So it survives a
// restart: the first sweep after one reads `pending` and applies what fell due meanwhile.
#include <algorithm>

#include "admin/admin_service.hpp"
#include "admin/operator_identity.hpp"
#include "admin/record_transitions.hpp"
#include "core/time_format.hpp"

namespace tanda::admin {
namespace {

std::optional<UnixSeconds> effective_at_of(const storage::PendingRequest& p) {
    auto source = parse_admin_source(p.provenance.source);
    return source ? source->effective_at : std::nullopt;
}

}  // namespace

ApiResult<std::optional<ScheduleRecord>> AdminService::schedule_of(std::string_view id) const {
    auto text = index_.get_meta(schedule_key(id));
    if (!text) return storage_refusal(text.error());
    if (!*text) return std::optional<ScheduleRecord>{};
    auto s = decode_schedule(**text);
    if (!s) return refuse(ApiErrorKind::internal, "", "unreadable schedule of '" + std::string(id) + "'");
    return std::optional<ScheduleRecord>(std::move(*s));
}

ApiResult<ChangeResult> AdminService::submit_scheduled(const Ca& ca, const storage::Change& change,
                                                       storage::Provenance why,
                                                       const std::string& digest,
                                                       const Caller& who) {
    why.submitted_by_identity = identity_text(who);
    auto submitted = submit(ca, change, why, digest);
    if (submitted && submitted->pending) submitted->effective_at = change.record.revoked_at;
    if (!submitted || submitted->replayed || ca.policy.approvals >= 2) return submitted;
    // approvals 1: the caller approved upstream, so the submission schedules it at once.
    auto p = index_.find_pending(why.request_id);
    if (!p) return storage_refusal(p.error());
    if (!*p) return refuse(ApiErrorKind::internal, "", "the submitted request vanished");
    why.mode = storage::ApprovalMode::single;
    why.approved_by_identity = why.submitted_by_identity;
    return schedule(**p, why, ca.name(), clock_.now());
}

ApiResult<ChangeResult> AdminService::schedule(const storage::PendingRequest& p,
                                               storage::Provenance why, const std::string& ca,
                                               UnixSeconds now) {
    const UnixSeconds effective = p.change.record.revoked_at;
    ScheduleRecord s{now, why.mode, why.approved_by_identity, std::nullopt, {}, {}, false};
    // The meta key (what the sweep acts on) and the `scheduled` entry in one transaction: a
    // crash leaves both or neither.
    storage::Change audit = p.change;
    audit.kind = storage::ChangeKind::scheduled;
    why.note = "scheduled: takes effect at " + format_rfc3339(effective);
    auto seq = index_.append_audit_with_meta(audit, why, now, schedule_key(p.request_id),
                                             encode_schedule(s));
    if (!seq) return storage_refusal(seq.error());
    if (next_expiry_) next_expiry_ = std::min(*next_expiry_, effective);
    observe("approved", p.submitted_at, now);
    logger_.info("admin revocation scheduled", {{"request_id", p.request_id},
                                                 {"effective_at", format_rfc3339(effective)},
                                                 {"seq", std::to_string(*seq)}});
    ChangeResult r{p.request_id, ca, p.change.serial, p.change.record, *seq, now, false};
    r.kind = "revoke";
    r.scheduled = true;
    r.effective_at = effective;
    return r;
}

ApiResult<bool> AdminService::apply_if_due(const storage::PendingRequest& p,
                                           const ScheduleRecord& s, UnixSeconds now) {
    const UnixSeconds effective = p.change.record.revoked_at;
    storage::Provenance why = p.provenance;
    if (s.cancelled) {
        // Cancelled, and closing it did not follow (a crash between the two writes): close it.
        why.note = "cancelled: " + s.cancel_reason;
        auto seq = index_.close_pending(p.request_id, storage::PendingState::rejected, why, now);
        if (!seq) return storage_refusal(seq.error());
        return true;
    }
    if (now < effective) return false;
    why.mode = s.mode;
    why.approved_by_identity = s.approved_by_identity;
    auto stored = index_.find(p.change.issuer, p.change.serial);
    if (!stored) return storage_refusal(stored.error());
    // The subject was checked by both operators; the record may have changed since (revoked
    // for another reason meanwhile), which closes the request unapplied.
    auto record = revoked_record(*stored, p.change.record.subject,
                                 {p.change.record.reason, effective,
                                  p.change.record.invalidity_date},
                                 now);
    if (!record) {
        why.note = "scheduled revocation not applied: " + record.error().message;
        auto seq = index_.close_pending(p.request_id, storage::PendingState::rejected, why, now);
        if (!seq) return storage_refusal(seq.error());
        logger_.warn("scheduled revocation not applied",
                     {{"request_id", p.request_id}, {"error", record.error().message}});
        return true;
    }
    storage::Change change{storage::ChangeKind::revoke, p.change.issuer, p.change.serial, *record};
    const auto write_started = std::chrono::steady_clock::now();
    auto done = index_.approve(p.request_id, change, why, now);
    if (!done) return storage_refusal(done.error());
    observe("applied", effective, now);
    observe_visible(write_started);
    logger_.info("scheduled revocation applied", {{"request_id", p.request_id},
                                                  {"effective_at", format_rfc3339(effective)},
                                                  {"seq", std::to_string(done->last_seq)}});
    return true;
}

ScheduledView AdminService::scheduled_view(const storage::PendingRequest& p,
                                           const std::optional<ScheduleRecord>& s) const {
    ScheduledView v;
    v.request_id = p.request_id;
    v.ca = ca_name(p.change.issuer);
    v.serial = p.change.serial;
    v.reason = p.change.record.reason;
    v.effective_at = p.change.record.revoked_at;
    v.submitted_at = p.submitted_at;
    if (!s) {
        v.state = "pending";
        v.expires_at = p.expires_at;
        return v;
    }
    v.approved_at = s->approved_at;
    v.cancel_requested_at = s->cancel_requested_at;
    v.state = s->cancelled ? "cancelled" : s->cancel_requested_at ? "cancel_requested" : "scheduled";
    return v;
}

ApiResult<std::vector<ScheduledView>> AdminService::scheduled(const Caller& who) {
    {
        std::lock_guard lock(write_mutex_);
        if (auto r = expire_pending_locked(clock_.now()); !r) return tl::unexpected(r.error());
    }
    auto all = index_.pending_requests();
    if (!all) return storage_refusal(all.error());
    std::vector<ScheduledView> out;
    for (const auto& p : *all) {
        if (p.state != storage::PendingState::pending || !effective_at_of(p)) continue;
        if (!in_scope(who, ca_name(p.change.issuer), p.change.record.subject)) continue;
        auto s = schedule_of(p.request_id);
        if (!s) return tl::unexpected(s.error());
        out.push_back(scheduled_view(p, *s));
    }
    std::ranges::stable_sort(out, {}, &ScheduledView::effective_at);
    return out;
}

ApiResult<ScheduledView> AdminService::cancel(std::string_view id, const RejectRequest& req,
                                              const Caller& who) {
    if (auto ok = check_request_scope(id, who); !ok) return tl::unexpected(ok.error());
    std::unique_lock lock(write_mutex_);
    const UnixSeconds now = clock_.now();
    if (auto r = expire_pending_locked(now); !r) return tl::unexpected(r.error());
    auto p = open_pending(id);
    if (!p) return tl::unexpected(p.error());
    if (!effective_at_of(*p)) {
        return refuse(ApiErrorKind::conflict, "request_id",
                      "request '" + std::string(id) + "' is not a scheduled revocation: reject it");
    }
    auto s = schedule_of(id);
    if (!s) return tl::unexpected(s.error());
    if (!*s) {
        return refuse(ApiErrorKind::conflict, "request_id",
                      "request '" + std::string(id) +
                          "' is not approved yet: another operator rejects it instead");
    }
    auto ca = find_ca_by_issuer(p->change.issuer);
    if (!ca) return tl::unexpected(ca.error());
    ScheduleRecord& sched = **s;
    storage::Provenance why = p->provenance;
    why.approved_by_identity = identity_text(who);
    const bool dual = ca->policy.approvals >= 2;
    if (dual && !sched.cancel_requested_at) {
        sched.cancel_requested_at = now;
        sched.cancel_requested_by_identity = why.approved_by_identity;
        sched.cancel_reason = req.reason;
        storage::Change audit = p->change;
        audit.kind = storage::ChangeKind::cancel_requested;
        why.note = "cancel requested: " + req.reason;
        auto seq = index_.append_audit_with_meta(audit, why, now, schedule_key(id),
                                                 encode_schedule(sched));
        if (!seq) return storage_refusal(seq.error());
        logger_.info("cancellation of a scheduled revocation requested",
                     {{"request_id", std::string(id)}, {"seq", std::to_string(*seq)}});
        return scheduled_view(*p, sched);
    }
    if (dual && same_operator(who, sched.cancel_requested_by_identity)) {
        return refused(p->change, why, who,
                       refuse(ApiErrorKind::forbidden, "",
                              "the second operator to cancel must be another than the first "
                              "(another client certificate subject and key)"));
    }
    sched.cancelled = true;
    if (auto put = index_.put_meta(schedule_key(id), encode_schedule(sched)); !put) {
        return storage_refusal(put.error());
    }
    why.mode = dual ? storage::ApprovalMode::dual : storage::ApprovalMode::single;
    why.note = "cancelled: " + (dual ? sched.cancel_reason : req.reason);
    auto seq = index_.close_pending(id, storage::PendingState::rejected, why, now);
    if (!seq) return storage_refusal(seq.error());
    logger_.info("scheduled revocation cancelled",
                 {{"request_id", std::string(id)}, {"seq", std::to_string(*seq)}});
    return scheduled_view(*p, sched);
}

}  // namespace tanda::admin
