// The admin API's logic, independent of HTTP: applies approved revocation requests, holds and
// releases, registers certificates, and reports records, requests and the journal. Every write
// is one durable storage commit (record + journal entry); commit observers (OCSP cache, CRL
// publisher) have run when a write returns.
//
// Thread safety: all methods may be called concurrently. The check of a stored record and the
// commit that changes it cannot interleave with another write of that record (write_mutex_).
#pragma once

#include <array>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "admin/admin_options.hpp"
#include "admin/admin_requests.hpp"
#include "admin/api_error.hpp"
#include "admin/caller.hpp"
#include "admin/crl_publication.hpp"
#include "admin/journal_filter.hpp"
#include "admin/request_stages.hpp"
#include "admin/schedule_record.hpp"
#include "admin/write_gate.hpp"
#include "ca/ca_registry_holder.hpp"
#include "core/logger.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::admin {

// The journal's name of a change kind ("revoke", "submitted", ...), as the API and logs show it.
std::string_view kind_name(storage::ChangeKind kind);

// The answer to a revocation or release (and, identically, to its replay). Under dual control
// (a CA with approvals: 2) a submission is `pending`: `record` is what approval would write,
// `seq` the submitted journal entry, `applied_at` the submission time.
struct ChangeResult {
    std::string request_id;
    std::string ca;
    Serial serial;
    CertRecord record;
    std::uint64_t seq = 0;
    UnixSeconds applied_at = 0;
    bool replayed = false;
    bool pending = false;
    UnixSeconds expires_at = 0;  // when pending
    std::string kind{};          // "revoke", "release"
    // A scheduled revocation (admin/scheduled_revocations.cpp): when it takes effect, and
    // whether it is approved and waits for that time (`applied_at` is then the approval's).
    std::optional<UnixSeconds> effective_at{};
    bool scheduled = false;
};

// A scheduled revocation not yet applied, as GET /v1/scheduled lists it.
struct ScheduledView {
    std::string request_id;
    std::string ca;
    Serial serial;
    Reason reason = Reason::unspecified;
    UnixSeconds effective_at = 0;
    // "pending" (waits for its approval), "scheduled", "cancel_requested" (one operator of two
    // asked to cancel it), or, in a cancel() answer, "cancelled".
    std::string state;
    UnixSeconds submitted_at = 0;
    std::optional<UnixSeconds> approved_at;
    std::optional<UnixSeconds> expires_at;  // pending: its approval's deadline
    std::optional<UnixSeconds> cancel_requested_at;
};

// A request under dual control as GET /v1/requests lists it.
struct PendingView {
    storage::PendingRequest request;
    std::string ca;
    std::string kind;   // "revoke", "release"
    std::string state;  // "pending", "rejected", "expired"
};

struct CertificateView {
    std::string ca;
    Serial serial;
    CertRecord record;
};

struct RegistrationResult {
    std::size_t offered = 0;
    std::size_t registered = 0;  // new or changed records (one journal entry each)
    std::size_t unchanged = 0;
    std::size_t kept_revoked = 0;  // recorded revoked: a registration never undoes that
    std::vector<CertificateView> certificates;
    std::uint64_t last_seq = 0;
};

struct RequestStatus {
    // "pending", "rejected", "expired" (dual control, nothing applied), else "applied" or
    // "success" (success()).
    std::string state = "applied";
    std::optional<UnixSeconds> expires_at;  // pending
    std::optional<UnixSeconds> closed_at;   // rejected, expired
    std::string note;                       // a rejection's reason
    std::string request_id;
    std::string kind;  // "revoke", "release"
    std::string ca;
    Serial serial;
    std::optional<UnixSeconds> received_at;
    // A scheduled revocation: when it takes effect, and when it was approved (also "scheduled"
    // and "cancelled" states: approved, nothing applied yet or ever).
    std::optional<UnixSeconds> effective_at;
    std::optional<UnixSeconds> approved_at;
    std::optional<UnixSeconds> cancel_requested_at;
    UnixSeconds applied_at = 0;
    std::uint64_t seq = 0;
    // OCSP answers from the records the applied entry's transaction wrote, and commit observers
    // have invalidated cached answers before the commit returned: the journal entry's time, to
    // the second (FORMAT.md, "Request stages"; the histogram's visible_in_ocsp stage measures
    // the write's sub-second duration).
    UnixSeconds ocsp_visible_at = 0;
    // The first CRL that covered the change: its crl_published journal entry (crl_stages.hpp);
    // for a change published before those entries, the earliest CRL served now that covers it.
    // nullopt: not (yet, or no publisher) in a CRL.
    std::optional<CrlPublication> crl;
    std::optional<UnixSeconds> notified_at;  // a webhook target acknowledged `applied`
    bool crl_publisher = false;              // the CA publishes CRLs; when not, never success
    bool success() const { return crl.has_value(); }
};

struct JournalPage {
    std::vector<storage::JournalEntry> entries;
    std::uint64_t next_since = 0;  // pass as `since` for the next page
    bool at_end = false;           // the scan reached the newest entry
};

// The journal's verification: its hash chain, then, when the chain is intact, the records
// against the refold of the journal (storage::RevocationIndex::verify_records).
struct JournalCheck {
    std::optional<std::uint64_t> first_bad_seq;
    std::uint64_t entries = 0;
    std::optional<storage::RecordDifference> first_difference;
    std::string difference_ca;  // the served CA of first_difference's issuer; empty if none
    bool ok() const { return !first_bad_seq && !first_difference; }
};

class AdminService {
public:
    // `cas` gives the served CAs (never null, bound to `index`: ca::bind_storage); every call
    // takes one snapshot and uses it throughout, so a reload that swaps the registry is followed
    // from the next call on: a CA it adds is accepted, one it removes is refused (404), a
    // renewed issuer certificate is the one registrations are checked against. A CA's dual-
    // control policy is its entry in `options.cas`, the defaults when it has none. `index`,
    // `clock`, `logger`, `crl` and `reissuer` (both may be null) must outlive the service.
    AdminService(ca::CaSnapshot cas, storage::RevocationIndex& index, const Clock& clock,
                 Logger& logger, const CrlPublicationSource* crl, CrlReissuer* reissuer,
                 AdminOptions options);

    [[nodiscard]] ApiResult<ChangeResult> revoke(const RevocationRequest& req, const Caller& who);
    [[nodiscard]] ApiResult<ChangeResult> release(const ReleaseRequest& req, const Caller& who);
    // Every call taking `who` admits only what `who`'s scope covers (admin/role_scope.hpp):
    // 403 naming the failed rule before anything about the record is told.
    //
    // Dual control (admin/dual_control.cpp). `who` must be another operator than the submitter
    // (admin/operator_identity.hpp), else 403 and a `refused` journal entry; when the CA's
    // policy has require_ca_approver, the approver must also be one of the CA's own operators
    // (403, `refused`). approve re-checks req.subject_dn and the record's state (409 and
    // `refused` when they no longer fit) and applies the change, journaled with mode dual and
    // both identities. 404 for an id that was never submitted, 409 for one no longer pending
    // (applied, rejected, expired).
    [[nodiscard]] ApiResult<ChangeResult> approve(std::string_view id, const ApproveRequest& req,
                                                  const Caller& who);
    [[nodiscard]] ApiResult<PendingView> reject(std::string_view id, const RejectRequest& req,
                                                const Caller& who);
    // Requests under dual control in `state` (all states when nullopt), oldest first; expired
    // ones are closed (journaled) first.
    [[nodiscard]] ApiResult<std::vector<PendingView>> requests(
        std::optional<storage::PendingState> state);
    // requests(), only those in `who`'s scope.
    [[nodiscard]] ApiResult<std::vector<PendingView>> requests(
        std::optional<storage::PendingState> state, const Caller& who);
    // Closes every pending request past its expiry with an `expired` journal entry; returns
    // how many. Called periodically and before every dual-control call.
    [[nodiscard]] ApiResult<std::size_t> expire_pending();

    // Scheduled revocations (admin/scheduled_revocations.cpp; issue 21). A revocation with
    // effective_at is submitted like any (pending until a second operator approves it under
    // approvals: 2); its approval schedules it instead of applying it, and expire_pending()
    // applies it once the clock reaches effective_at, which is its revocation time. A scheduled
    // request never expires. Those not applied yet (any approval state), by effective_at; due
    // ones are applied first.
    // Those of the caller's scope (a scoped operator sees only its agency's).
    [[nodiscard]] ApiResult<std::vector<ScheduledView>> scheduled(const Caller& who);
    // Cancels an approved scheduled revocation before it takes effect: under approvals: 2 the
    // first call records the request (state cancel_requested), a second by another operator
    // closes it (403 for the same operator); under approvals: 1 the first call does. 409 when
    // it is not a scheduled revocation, not approved yet (reject it) or no longer pending.
    [[nodiscard]] ApiResult<ScheduledView> cancel(std::string_view id, const RejectRequest& req,
                                                  const Caller& who);

    [[nodiscard]] ApiResult<RegistrationResult> register_certificates(
        const RegistrationRequest& req, const Caller& who);

    // The unscoped reads (certificate, request, journal without `who`) are for callers that
    // hold no role: the holder status route (by its token) and tests.
    [[nodiscard]] ApiResult<CertificateView> certificate(std::string_view ca,
                                                         const Serial& serial) const;
    [[nodiscard]] ApiResult<CertificateView> certificate(std::string_view ca, const Serial& serial,
                                                         const Caller& who) const;
    [[nodiscard]] ApiResult<RequestStatus> request(std::string_view request_id) const;
    [[nodiscard]] ApiResult<RequestStatus> request(std::string_view request_id,
                                                   const Caller& who) const;
    // Up to `limit` entries from seq `since` on that meet `filter` (404 for a CA not served).
    // A call scans a bounded number of entries, so a page may hold fewer than `limit` while
    // more match later: continue from next_since until at_end.
    [[nodiscard]] ApiResult<JournalPage> journal(std::uint64_t since, std::size_t limit,
                                                 const JournalFilter& filter = {}) const;
    // journal(), skipping entries outside `who`'s scope (they count toward the scan bound).
    [[nodiscard]] ApiResult<JournalPage> journal(std::uint64_t since, std::size_t limit,
                                                 const JournalFilter& filter,
                                                 const Caller& who) const;
    [[nodiscard]] ApiResult<JournalCheck> verify_journal() const;
    // Regenerates the CA's CRL now: 404 for an unknown CA or one without CRL publishing, 503
    // when generation fails. Logged with the caller; not journaled (no record changes).
    [[nodiscard]] ApiResult<CrlGeneration> generate_crl(std::string_view ca, const Caller& who);
    // Imports a CRL that the CA's offline key signed (crl.source: import), given as `der`:
    // 400 (field "crl") when the CRL is refused, 409 for its number or base, 404 for an
    // unknown CA or without CRL publishing. Its revocations are journaled with the caller.
    [[nodiscard]] ApiResult<CrlImported> import_crl(std::string_view ca, ByteView der,
                                                    const Caller& who);

    // The CA name of a storage issuer id in the current registry; empty when it is not a
    // served CA.
    std::string ca_name(storage::IssuerId id) const;
    const AdminOptions& options() const { return options_; }
    // Told the time each request took per stage (admin/request_stages.hpp). Set before the
    // service is used; not thread-safe.
    void set_stage_observer(StageObserver observer) { stages_ = std::move(observer); }
    // Seconds since the oldest request still waiting for its approval was submitted (0 when
    // none); approved scheduled revocations wait for their time, not for someone.
    [[nodiscard]] ApiResult<double> oldest_pending_seconds() const;
    const Clock& clock() const { return clock_; }

private:
    // A served CA as one call sees it: `served` points into `registry`, which this holds, so it
    // stays valid for as long as the call keeps this.
    struct Ca {
        std::shared_ptr<const ca::CaRegistry> registry;
        const ca::ServedCa* served = nullptr;
        CaPolicy policy;
        const std::string& name() const { return served->options.name; }
    };
    // The CA named `name` in a fresh snapshot, with its policy; 404 when it is not served.
    ApiResult<Ca> find_ca(std::string_view name) const;
    static std::string ca_name(const ca::CaRegistry& cas, storage::IssuerId id);
    // What a revocation or a release holds until its change is applied (write_mutex_): all of
    // write_mutex_ when it submits a pending or scheduled request, else a share of it and the
    // lock of its certificate's record.
    struct WriteLocks {
        std::unique_lock<WriteGate> exclusive;
        std::shared_lock<WriteGate> shared;
        std::unique_lock<std::mutex> record;
    };
    WriteLocks lock_for_change(const Ca& ca, const Serial& serial, bool scheduled);
    // The common start of a revocation (`scheduled`: with effective_at) or a release: the CA,
    // the body digest for replay detection, the write locks, an earlier answer to the same
    // request id, and the two-person rule.
    struct ChangeStart {
        Ca ca;
        std::string digest;
        WriteLocks locks;
        std::optional<ChangeResult> earlier;
    };
    template <typename Request>
    ApiResult<ChangeStart> start_change(const Request& req, const Caller& who, bool scheduled);
    // 403 unless `who`'s scope covers the certificate `serial` of CA `ca` (as recorded now).
    ApiResult<void> check_certificate_scope(const Ca& ca, const Serial& serial,
                                            const Caller& who) const;
    // 403 unless `who`'s scope covers the request `id` (pending, closed or applied); passes
    // for an unknown id, which the caller then answers 404.
    ApiResult<void> check_request_scope(std::string_view id, const Caller& who) const;
    ApiResult<JournalPage> journal_page(std::uint64_t since, std::size_t limit,
                                        const JournalFilter& filter, const Caller* who) const;
    // The original answer when `request_id` was applied with the same canonical body (its
    // SHA-256 is `body_sha256`); 409 when it was used with another body or for another kind of
    // request; nullopt when the id is new.
    ApiResult<std::optional<ChangeResult>> replay(const ca::CaRegistry& cas,
                                                  const std::string& request_id,
                                                  const std::string& body_sha256) const;
    ApiResult<ChangeResult> apply(const Ca& ca, const storage::Change& change,
                                  const storage::Provenance& why, const std::string& body_sha256);
    // approvals 1: apply() now, journaled as mode single; approvals 2: a pending request.
    ApiResult<ChangeResult> submit_or_apply(const Ca& ca, const storage::Change& change,
                                            storage::Provenance why, const std::string& digest,
                                            const Caller& who);
    ApiResult<ChangeResult> submit(const Ca& ca, const storage::Change& change,
                                   const storage::Provenance& why, const std::string& digest);
    // Journals a refusal (an audit entry that changes no record) and returns `refusal`: who
    // asked (`why`, `who`), what (`change`) and why (the refusal's message).
    tl::unexpected<ApiError> refused(const storage::Change& change, storage::Provenance why,
                                     const Caller& who, tl::unexpected<ApiError> refusal);
    // The earlier answer to a request id submitted for dual control, when it is one.
    ApiResult<std::optional<ChangeResult>> replay_pending(const ca::CaRegistry& cas,
                                                          const std::string& request_id,
                                                          const std::string& digest) const;
    ApiResult<std::size_t> expire_pending_locked(UnixSeconds now);
    // The request `id` while pending: 404 never submitted, 409 applied, rejected or expired.
    ApiResult<storage::PendingRequest> open_pending(std::string_view id);
    // The pending request `id` for `who` to approve or reject, with the provenance the decision
    // journals (`mode` set when given): lapsed requests are expired first, and the submitter
    // deciding their own request is refused (403, journaled with `self_refusal`).
    using Decision = ApiResult<std::pair<storage::PendingRequest, storage::Provenance>>;
    Decision open_for_decision(std::string_view id, const Caller& who, UnixSeconds now,
                               std::optional<storage::ApprovalMode> mode,
                               std::string_view self_refusal);
    ApiResult<Ca> find_ca_by_issuer(storage::IssuerId issuer) const;
    std::chrono::seconds pending_ttl(const CaPolicy& policy) const;
    PendingView view(const ca::CaRegistry& cas, storage::PendingRequest request) const;
    std::optional<RequestStatus> pending_status(std::string_view request_id) const;
    // Scheduled revocations: submission, the approval that schedules one, its schedule (nullopt
    // while not approved), and its application by the sweep (false: not due yet).
    ApiResult<ChangeResult> submit_scheduled(const Ca& ca, const storage::Change& change,
                                             storage::Provenance why, const std::string& digest,
                                             const Caller& who);
    ApiResult<ChangeResult> schedule(const storage::PendingRequest& p, storage::Provenance why,
                                     const std::string& ca, UnixSeconds now);
    ApiResult<std::optional<ScheduleRecord>> schedule_of(std::string_view id) const;
    ApiResult<bool> apply_if_due(const storage::PendingRequest& p, const ScheduleRecord& s,
                                 UnixSeconds now);
    ScheduledView scheduled_view(const storage::PendingRequest& p,
                                 const std::optional<ScheduleRecord>& s) const;

    ca::CaSnapshot cas_;
    storage::RevocationIndex& index_;
    const Clock& clock_;
    Logger& logger_;
    const CrlPublicationSource* crl_;
    CrlReissuer* reissuer_;
    AdminOptions options_;
    StageObserver stages_;
    void observe(std::string_view stage, UnixSeconds from, UnixSeconds to) const {
        if (stages_) stages_(stage, static_cast<double>(to > from ? to - from : 0));
    }
    // visible_in_ocsp: the seconds since `write_started` (taken just before the write that
    // applied the request), now that it returned and the commit observers have invalidated
    // this node's cached OCSP answers.
    void observe_visible(std::chrono::steady_clock::time_point write_started) const {
        if (!stages_) return;
        stages_("visible_in_ocsp",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - write_started)
                    .count());
    }
    // Held across each write and the checks it rests on. In a cluster a write waits for a
    // quorum round trip, and a node sends the writes waiting together as one stream message, so
    // revocations and releases applied at once (approvals 1, no effective_at: the RA path) hold
    // it shared and overlap, each also holding its record's lock below. What that keeps:
    //  - a request id is applied once: storage refuses a used one when the write applies (the
    //    same no-op on every node), and apply() answers that as a replay or a 409;
    //  - a record's transition (revoked once; only a hold released; its subject) is checked and
    //    written under the record's lock, so two writes of one certificate never overlap here;
    //    across nodes, storage refuses when it applies a write that would undo or rewrite a
    //    final revocation (the later node's write gets 409);
    //  - everything else takes it exclusively, so finds no shared write in flight, as before:
    //    dual control and scheduled revocations (and next_expiry_), registrations (they read
    //    records to keep revocations), and with them submissions, whose request id a shared
    //    write's commit does not check against `pending` (replay() does, under this).
    WriteGate write_mutex_;
    // By a hash of issuer and serial; two records sharing one only wait for each other.
    std::array<std::mutex, 64> record_locks_;
    // The earliest expires_at among open pending requests, or effective_at among approved
    // scheduled ones (UnixSeconds max: none), nullopt until the first sweep: the sweep every 2 s
    // then reads `pending`, which keeps every closed request too, only once a request can have
    // lapsed or fallen due. submit() and schedule() lower it; guarded by write_mutex_ held
    // exclusively.
    std::optional<UnixSeconds> next_expiry_;
};

// The journal entry `source` of admin writes:
//   "admin;<kind>;received=<RFC 3339>;approved_at=<RFC 3339 or ->;body_sha256=<hex>;client=<DN>"
//   with ";effective_at=<RFC 3339>" before `client` for a scheduled revocation.
struct AdminSource {
    std::string kind;
    std::optional<UnixSeconds> received_at;
    std::string body_sha256;
    std::optional<UnixSeconds> effective_at;
};
std::optional<AdminSource> parse_admin_source(std::string_view source);

}  // namespace tanda::admin
