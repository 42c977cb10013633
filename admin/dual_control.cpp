// AdminService's dual control (DESIGN.md, "Admin"; issue 17): a CA with approvals 2 keeps a
// revocation or release as a pending request until another operator, told apart by the client
// certificate the authenticator verified, approves it; rejections, expiries and refusals are
// journal entries that change no record.
#include <algorithm>
#include <limits>

#include "admin/admin_service.hpp"
#include "admin/operator_identity.hpp"
#include "admin/record_transitions.hpp"
#include "core/time_format.hpp"

namespace tanda::admin {
namespace {


std::string_view state_name(storage::PendingState s) {
    switch (s) {
        case storage::PendingState::pending:
            return "pending";
        case storage::PendingState::rejected:
            return "rejected";
        case storage::PendingState::expired:
            return "expired";
    }
    return "pending";
}

std::string_view change_name(storage::ChangeKind kind) {
    return kind == storage::ChangeKind::release ? "release" : "revoke";
}

// The body digest a request's source records (AdminService's source_text).
std::string digest_of(const storage::Provenance& p) {
    auto source = parse_admin_source(p.source);
    return source ? source->body_sha256 : std::string();
}

}  // namespace

std::chrono::seconds AdminService::pending_ttl(const CaPolicy& policy) const {
    return policy.pending_ttl.count() > 0 ? policy.pending_ttl : options_.pending_ttl;
}

ApiResult<AdminService::Ca> AdminService::find_ca_by_issuer(storage::IssuerId issuer) const {
    const std::string name = ca_name(issuer);
    if (name.empty()) {
        return refuse(ApiErrorKind::not_found, "ca", "the request's CA is no longer served");
    }
    return find_ca(name);
}

PendingView AdminService::view(const ca::CaRegistry& cas, storage::PendingRequest request) const {
    PendingView v;
    v.ca = ca_name(cas, request.change.issuer);
    v.kind = std::string(change_name(request.change.kind));
    v.state = std::string(state_name(request.state));
    // An approved scheduled revocation waits for its time, not for an approval.
    auto source = parse_admin_source(request.provenance.source);
    if (request.state == storage::PendingState::pending && source && source->effective_at) {
        auto sched = schedule_of(request.request_id);
        if (sched && *sched) v.state = "scheduled";
    }
    v.request = std::move(request);
    return v;
}

ApiResult<ChangeResult> AdminService::submit_or_apply(const Ca& ca, const storage::Change& change,
                                                      storage::Provenance why,
                                                      const std::string& digest,
                                                      const Caller& who) {
    why.submitted_by_identity = identity_text(who);
    if (ca.policy.approvals >= 2) return submit(ca, change, why, digest);
    // approvals 1: the RA approved upstream; the caller is submitter and approver.
    why.mode = storage::ApprovalMode::single;
    why.approved_by_identity = why.submitted_by_identity;
    return apply(ca, change, why, digest);
}

ApiResult<ChangeResult> AdminService::submit(const Ca& ca, const storage::Change& change,
                                             const storage::Provenance& why,
                                             const std::string& digest) {
    const UnixSeconds now = clock_.now();
    storage::PendingRequest p;
    p.request_id = why.request_id;
    p.change = change;
    p.provenance = why;
    p.submitted_at = now;
    p.expires_at = now + pending_ttl(ca.policy).count();
    auto seq = index_.submit(p, now);
    if (!seq && seq.error().code == ErrorCode::conflict) {
        auto again = replay(*ca.registry, why.request_id, digest);
        if (!again) return tl::unexpected(again.error());
        if (*again) return std::move(**again);
    }
    if (!seq) return storage_refusal(seq.error());
    if (next_expiry_) next_expiry_ = std::min(*next_expiry_, p.expires_at);
    logger_.info("admin request pending approval", {{"kind", std::string(change_name(change.kind))},
                                                    {"ca", ca.name()},
                                                    {"serial", change.serial.to_hex()},
                                                    {"request_id", why.request_id},
                                                    {"seq", std::to_string(*seq)}});
    ChangeResult r{why.request_id, ca.name(), change.serial, change.record, *seq, now, false};
    r.pending = true;
    r.expires_at = p.expires_at;
    r.kind = std::string(change_name(change.kind));
    return r;
}

tl::unexpected<ApiError> AdminService::refused(const storage::Change& change,
                                               storage::Provenance why, const Caller& who,
                                               tl::unexpected<ApiError> refusal) {
    storage::Change audit = change;
    audit.kind = storage::ChangeKind::refused;
    // The asked-for state tells a reader of the entry what was refused: revoked for a
    // revocation, issued for a release (notify_event.cpp reads it so).
    if (change.kind == storage::ChangeKind::release) {
        audit.record.state = CertState::issued;
    } else {
        audit.record.state = CertState::revoked;
    }
    if (why.submitted_by_identity.empty()) why.submitted_by_identity = identity_text(who);
    why.note = std::string(change_name(change.kind)) + " refused: " + refusal.value().field + ": " +
               refusal.value().message;
    if (why.note.size() > storage::kMaxProvenanceFieldBytes) {
        why.note.resize(storage::kMaxProvenanceFieldBytes);
    }
    auto seq = index_.append_audit(audit, why, clock_.now());
    if (!seq) {
        // The refusal stands; its trace is missing, which the log must say.
        logger_.error("could not journal a refused request",
                      {{"request_id", why.request_id}, {"error", seq.error().message}});
    }
    return refusal;
}

ApiResult<std::optional<ChangeResult>> AdminService::replay_pending(
    const ca::CaRegistry& cas, const std::string& request_id, const std::string& digest) const {
    auto found = index_.find_pending(request_id);
    if (!found) return storage_refusal(found.error());
    if (!*found) return std::optional<ChangeResult>{};
    const storage::PendingRequest& p = **found;
    if (digest_of(p.provenance) != digest) {
        return refuse(ApiErrorKind::conflict, "request_id",
                      "request_id '" + request_id + "' was already used with a different request");
    }
    if (p.state != storage::PendingState::pending) {
        return refuse(ApiErrorKind::conflict, "request_id",
                      "request '" + request_id + "' was " + std::string(state_name(p.state)) +
                          "; submit it again under a new request_id");
    }
    ChangeResult r{request_id,
                   ca_name(cas, p.change.issuer),
                   p.change.serial,
                   p.change.record,
                   p.seq,
                   p.submitted_at,
                   true};
    r.pending = true;
    r.expires_at = p.expires_at;
    r.kind = std::string(change_name(p.change.kind));
    if (auto source = parse_admin_source(p.provenance.source)) r.effective_at = source->effective_at;
    if (r.effective_at) {
        // Approved since: the answer now is that it is scheduled.
        auto sched = schedule_of(request_id);
        if (!sched) return tl::unexpected(sched.error());
        if (*sched) {
            r.pending = false;
            r.scheduled = true;
            r.applied_at = (*sched)->approved_at;
        }
    }
    return std::optional<ChangeResult>(std::move(r));
}

ApiResult<std::size_t> AdminService::expire_pending() {
    std::lock_guard lock(write_mutex_);
    auto expired = expire_pending_locked(clock_.now());
    if (!expired) {
        logger_.error("could not close expired pending requests",
                      {{"error", expired.error().message}});
    }
    return expired;
}

ApiResult<std::size_t> AdminService::expire_pending_locked(UnixSeconds now) {
    if (next_expiry_ && now < *next_expiry_) return 0;
    next_expiry_.reset();  // unknown until this sweep has closed every lapsed request
    auto all = index_.pending_requests();
    if (!all) return storage_refusal(all.error());
    std::size_t expired = 0;
    UnixSeconds next = std::numeric_limits<UnixSeconds>::max();
    for (const auto& p : *all) {
        if (p.state != storage::PendingState::pending) continue;
        // An approved scheduled revocation waits for its time, not for an approval: applied
        // when due, never expired.
        auto sched = parse_admin_source(p.provenance.source).value_or(AdminSource{}).effective_at
                         ? schedule_of(p.request_id)
                         : ApiResult<std::optional<ScheduleRecord>>{};
        if (!sched) return tl::unexpected(sched.error());
        if (*sched) {
            auto applied = apply_if_due(p, **sched, now);
            if (!applied) return tl::unexpected(applied.error());
            if (!*applied) next = std::min(next, p.change.record.revoked_at);
            continue;
        }
        if (now < p.expires_at) {
            next = std::min(next, p.expires_at);
            continue;
        }
        storage::Provenance why = p.provenance;
        why.note = "not approved within its pending_ttl";
        auto seq = index_.close_pending(p.request_id, storage::PendingState::expired, why, now);
        if (!seq) return storage_refusal(seq.error());
        logger_.info("admin request expired unapproved",
                     {{"request_id", p.request_id}, {"seq", std::to_string(*seq)}});
        ++expired;
    }
    next_expiry_ = next;
    return expired;
}

ApiResult<storage::PendingRequest> AdminService::open_pending(std::string_view id) {
    auto found = index_.find_pending(id);
    if (!found) return storage_refusal(found.error());
    if (*found && (*found)->state == storage::PendingState::pending) return std::move(**found);
    if (*found) {
        return refuse(
            ApiErrorKind::conflict, "request_id",
            "request '" + std::string(id) + "' was " + std::string(state_name((*found)->state)));
    }
    auto applied = index_.find_request(id);
    if (!applied) return storage_refusal(applied.error());
    if (*applied) {
        return refuse(ApiErrorKind::conflict, "request_id",
                      "request '" + std::string(id) + "' was already applied");
    }
    return refuse(ApiErrorKind::not_found, "request_id",
                  "no pending request '" + std::string(id) + "'");
}

AdminService::Decision AdminService::open_for_decision(std::string_view id, const Caller& who,
                                                       UnixSeconds now,
                                                       std::optional<storage::ApprovalMode> mode,
                                                       std::string_view self_refusal) {
    if (auto r = expire_pending_locked(now); !r) return tl::unexpected(r.error());
    // Before open_pending, whose 409s tell a request's state.
    if (auto ok = check_request_scope(id, who); !ok) return tl::unexpected(ok.error());
    auto p = open_pending(id);
    if (!p) return tl::unexpected(p.error());
    storage::Provenance why = p->provenance;
    if (mode) why.mode = *mode;
    why.approved_by_identity = identity_text(who);
    if (same_operator(who, p->provenance.submitted_by_identity)) {
        return refused(p->change, why, who,
                       refuse(ApiErrorKind::forbidden, "", std::string(self_refusal)));
    }
    return std::pair(std::move(*p), std::move(why));
}

ApiResult<ChangeResult> AdminService::approve(std::string_view id, const ApproveRequest& req,
                                              const Caller& who) {
    std::unique_lock lock(write_mutex_);
    const UnixSeconds now = clock_.now();
    auto opened = open_for_decision(id, who, now, storage::ApprovalMode::dual,
                                    "the approver must be another operator than the submitter "
                                    "(another client certificate subject and key)");
    if (!opened) return tl::unexpected(opened.error());
    auto& [p, why] = *opened;
    auto ca = find_ca_by_issuer(p.change.issuer);
    if (!ca) return tl::unexpected(ca.error());
    if (ca->policy.require_ca_approver && !is_ca_operator(who, ca->name())) {
        auto refusal = refuse(ApiErrorKind::forbidden, "scope",
                              "CA '" + ca->name() + "' requires one of its own operators (a role "
                              "without subject rules) to approve (require_ca_approver)");
        refusal.value().rule = "require_ca_approver";
        return refused(p.change, why, who, std::move(refusal));
    }
    auto stored = index_.find(p.change.issuer, p.change.serial);
    if (!stored) return storage_refusal(stored.error());
    // Re-checked against the record as it is now, with the approver's own subject_dn.
    auto record = p.change.kind == storage::ChangeKind::release
                      ? (*stored ? released_record(**stored, req.subject_dn)
                                 : refuse(ApiErrorKind::not_found, "serial", "not registered"))
                      : revoked_record(*stored, req.subject_dn,
                                       {p.change.record.reason, p.change.record.revoked_at,
                                        p.change.record.invalidity_date},
                                       now);
    if (!record) return refused(p.change, why, who, tl::unexpected(record.error()));
    auto source = parse_admin_source(p.provenance.source);
    if (source && source->effective_at) {
        auto scheduled_as = schedule_of(id);
        if (!scheduled_as) return tl::unexpected(scheduled_as.error());
        if (*scheduled_as) {
            return refuse(ApiErrorKind::conflict, "request_id",
                          "request '" + std::string(id) + "' is already approved: scheduled for " +
                              format_rfc3339(*source->effective_at));
        }
        // Its approval schedules it; one approved after its time is applied now, below.
        if (now < *source->effective_at) {
            p.change.record = *record;
            return schedule(p, why, ca->name(), now);
        }
    }
    storage::Change change{p.change.kind, p.change.issuer, p.change.serial, *record};
    const auto write_started = std::chrono::steady_clock::now();
    auto done = index_.approve(id, change, why, now);
    if (!done) return storage_refusal(done.error());
    observe("approved", p.submitted_at, now);
    observe("applied", now, now);  // the approval applies it
    observe_visible(write_started);
    logger_.info("admin request approved and applied",
                 {{"request_id", std::string(id)}, {"seq", std::to_string(done->last_seq)}});
    record->last_seq = done->last_seq;
    ChangeResult r{std::string(id), ca->name(), change.serial, *record, done->last_seq, now, false};
    r.kind = std::string(change_name(change.kind));
    return r;
}

ApiResult<PendingView> AdminService::reject(std::string_view id, const RejectRequest& req,
                                            const Caller& who) {
    std::unique_lock lock(write_mutex_);
    const UnixSeconds now = clock_.now();
    auto opened = open_for_decision(id, who, now, std::nullopt,
                                    "the rejecting operator must be another than the submitter");
    if (!opened) return tl::unexpected(opened.error());
    auto& [p, why] = *opened;
    auto scheduled_as = schedule_of(id);
    if (!scheduled_as) return tl::unexpected(scheduled_as.error());
    if (*scheduled_as) {
        return refuse(ApiErrorKind::conflict, "request_id",
                      "request '" + std::string(id) +
                          "' is an approved scheduled revocation: cancel it (two operators)");
    }
    why.note = req.reason;
    auto seq = index_.close_pending(id, storage::PendingState::rejected, why, now);
    if (!seq) return storage_refusal(seq.error());
    logger_.info("admin request rejected",
                 {{"request_id", std::string(id)}, {"seq", std::to_string(*seq)}});
    p.state = storage::PendingState::rejected;
    p.closed_seq = *seq;
    p.closed_at = now;
    p.provenance = why;
    return view(*cas_(), std::move(p));
}

ApiResult<double> AdminService::oldest_pending_seconds() const {
    auto all = index_.pending_requests();
    if (!all) return storage_refusal(all.error());
    const UnixSeconds now = clock_.now();
    UnixSeconds oldest = now;
    for (const auto& p : *all) {
        if (p.state != storage::PendingState::pending || p.submitted_at >= oldest) continue;
        auto sched = schedule_of(p.request_id);
        if (!sched) return tl::unexpected(sched.error());
        if (!*sched) oldest = p.submitted_at;
    }
    return static_cast<double>(now - oldest);
}

ApiResult<std::vector<PendingView>> AdminService::requests(
    std::optional<storage::PendingState> state, const Caller& who) {
    auto all = requests(state);
    if (!all || who.scopes.empty()) return all;
    std::erase_if(*all, [&](const PendingView& v) {
        return !in_scope(who, v.ca, v.request.change.record.subject);
    });
    return all;
}

ApiResult<std::vector<PendingView>> AdminService::requests(
    std::optional<storage::PendingState> state) {
    {
        std::lock_guard lock(write_mutex_);
        if (auto r = expire_pending_locked(clock_.now()); !r) return tl::unexpected(r.error());
    }
    auto all = index_.pending_requests();
    if (!all) return storage_refusal(all.error());
    std::ranges::sort(*all, [](const auto& a, const auto& b) { return a.seq < b.seq; });
    auto cas = cas_();
    std::vector<PendingView> out;
    for (auto& p : *all) {
        if (!state || p.state == *state) out.push_back(view(*cas, std::move(p)));
    }
    return out;
}

std::optional<RequestStatus> AdminService::pending_status(std::string_view request_id) const {
    auto found = index_.find_pending(request_id);
    if (!found || !*found) return std::nullopt;
    const storage::PendingRequest& p = **found;
    RequestStatus s;
    s.request_id = std::string(request_id);
    s.kind = std::string(change_name(p.change.kind));
    s.ca = ca_name(p.change.issuer);
    s.serial = p.change.serial;
    s.received_at = p.submitted_at;
    s.seq = p.seq;
    std::optional<ScheduleRecord> sched;
    if (auto source = parse_admin_source(p.provenance.source); source && source->effective_at) {
        s.effective_at = source->effective_at;
        auto found = schedule_of(request_id);
        if (found && *found) sched = **found;
    }
    // Read-only here: past its expiry it is reported expired; the sweep journals it.
    const bool lapsed = p.state == storage::PendingState::pending && !sched &&
                        clock_.now() >= p.expires_at;
    s.state = lapsed ? "expired" : std::string(state_name(p.state));
    if (p.state == storage::PendingState::pending && !lapsed && !sched) {
        s.expires_at = p.expires_at;
    }
    if (p.state != storage::PendingState::pending) s.closed_at = p.closed_at;
    if (p.state == storage::PendingState::rejected) s.note = p.provenance.note;
    if (sched) {
        s.approved_at = sched->approved_at;
        s.cancel_requested_at = sched->cancel_requested_at;
        if (p.state == storage::PendingState::pending) s.state = "scheduled";
        if (sched->cancelled) s.state = "cancelled";
    }
    return s;
}

}  // namespace tanda::admin
