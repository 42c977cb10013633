#include "admin/admin_service.hpp"

#include "admin/crl_stages.hpp"
#include "admin/distinguished_name.hpp"
#include "admin/importer.hpp"
#include "admin/operator_identity.hpp"
#include "admin/person_name.hpp"
#include "admin/record_transitions.hpp"
#include "admin/request_times.hpp"
#include "core/base64.hpp"
#include "core/sha256.hpp"
#include "core/time_format.hpp"

namespace tanda::admin {
namespace {

// GET /v1/journal reads entries in chunks and scans at most kMaxJournalScan per call.
constexpr std::size_t kJournalScanChunk = 1000;
constexpr std::size_t kMaxJournalScan = 100000;

std::string body_digest(const std::string& canonical) {
    return to_hex(Sha256::digest(as_bytes(canonical)));
}

std::string source_text(std::string_view kind, UnixSeconds received,
                        std::optional<UnixSeconds> approved_at, const std::string& digest,
                        const Caller& who) {
    std::string s = "admin;" + std::string(kind) + ";received=" + format_rfc3339(received) +
                    ";approved_at=" + (approved_at ? format_rfc3339(*approved_at) : "-") +
                    ";body_sha256=" + digest + ";client=" + who.subject;
    if (s.size() > storage::kMaxProvenanceFieldBytes) s.resize(storage::kMaxProvenanceFieldBytes);
    return s;
}

// Certificates of one registration entry: PEM (one or more) or base64 DER.
Result<std::vector<pki::Certificate>> decode_certificates(const std::string& text) {
    if (text.find("-----BEGIN") != std::string::npos) {
        return pki::Certificate::parse_all(as_bytes(text));
    }
    auto der = base64_decode(text);
    if (!der) return fail(ErrorCode::invalid_argument, "neither PEM nor base64 DER");
    auto cert = pki::Certificate::from_der(*der);
    if (!cert) return tl::unexpected(cert.error());
    return std::vector<pki::Certificate>{*cert};
}

}  // namespace

std::string_view kind_name(storage::ChangeKind kind) {
    switch (kind) {
        case storage::ChangeKind::register_certificate:
            return "register";
        case storage::ChangeKind::revoke:
            return "revoke";
        case storage::ChangeKind::release:
            return "release";
        case storage::ChangeKind::update:
            return "update";
        case storage::ChangeKind::submitted:
            return "submitted";
        case storage::ChangeKind::rejected:
            return "rejected";
        case storage::ChangeKind::expired:
            return "expired";
        case storage::ChangeKind::refused:
            return "refused";
        case storage::ChangeKind::scheduled:
            return "scheduled";
        case storage::ChangeKind::cancel_requested:
            return "cancel_requested";
        case storage::ChangeKind::crl_published:
            return "crl_published";
        case storage::ChangeKind::notified:
            return "notified";
    }
    return "update";
}

std::optional<AdminSource> parse_admin_source(std::string_view source) {
    if (!source.starts_with("admin;")) return std::nullopt;
    AdminSource out;
    std::size_t pos = 6;
    bool first = true;
    while (pos <= source.size()) {
        std::size_t end = source.find(';', pos);
        std::string_view part = source.substr(pos, end == std::string_view::npos ? end : end - pos);
        if (part.starts_with("client=")) break;  // the rest is the DN, which may hold ';'
        if (first) {
            out.kind = std::string(part);
        } else if (part.starts_with("received=")) {
            out.received_at = parse_rfc3339(part.substr(9));
        } else if (part.starts_with("body_sha256=")) {
            out.body_sha256 = std::string(part.substr(12));
        } else if (part.starts_with("effective_at=")) {
            out.effective_at = parse_rfc3339(part.substr(13));
        }
        first = false;
        if (end == std::string_view::npos) break;
        pos = end + 1;
    }
    return out;
}

AdminService::AdminService(ca::CaSnapshot cas, storage::RevocationIndex& index, const Clock& clock,
                           Logger& logger, const CrlPublicationSource* crl, CrlReissuer* reissuer,
                           AdminOptions options)
    : cas_(std::move(cas)),
      index_(index),
      clock_(clock),
      logger_(logger),
      crl_(crl),
      reissuer_(reissuer),
      options_(std::move(options)) {}

std::string AdminService::ca_name(storage::IssuerId id) const { return ca_name(*cas_(), id); }

std::string AdminService::ca_name(const ca::CaRegistry& cas, storage::IssuerId id) {
    for (const auto& ca : cas.cas()) {
        if (ca.issuer_id == id) return ca.options.name;
    }
    return {};
}

ApiResult<AdminService::Ca> AdminService::find_ca(std::string_view name) const {
    Ca found{cas_(), nullptr, CaPolicy{}};
    found.policy.name = std::string(name);
    found.served = found.registry->find_by_name(name);
    if (found.served == nullptr) {
        return refuse(ApiErrorKind::not_found, "ca", "no CA named '" + std::string(name) + "'");
    }
    for (const auto& policy : options_.cas) {
        if (policy.name == name) found.policy = policy;
    }
    return found;
}

ApiResult<std::optional<ChangeResult>> AdminService::replay(const ca::CaRegistry& cas,
                                                            const std::string& request_id,
                                                            const std::string& digest) const {
    auto seq = index_.find_request(request_id);
    if (!seq) return storage_refusal(seq.error());
    if (!*seq) return replay_pending(cas, request_id, digest);
    auto entries = index_.journal(**seq, 1);
    if (!entries) return storage_refusal(entries.error());
    if (entries->empty() || entries->front().provenance.request_id != request_id) {
        return refuse(ApiErrorKind::conflict, "request_id",
                      "request_id '" + request_id + "' was used by another kind of request");
    }
    const auto& e = entries->front();
    auto source = parse_admin_source(e.provenance.source);
    if (!source || source->body_sha256 != digest) {
        return refuse(ApiErrorKind::conflict, "request_id",
                      "request_id '" + request_id +
                          "' was already used with a different request "
                          "(journal seq " +
                          std::to_string(e.seq) + ")");
    }
    ChangeResult r{
        request_id, ca_name(cas, e.change.issuer), e.change.serial, e.change.record, e.seq, e.time,
        true};
    r.kind = kind_name(e.change.kind);
    return std::optional<ChangeResult>(std::move(r));
}

ApiResult<ChangeResult> AdminService::apply(const Ca& ca, const storage::Change& change,
                                            const storage::Provenance& why,
                                            const std::string& digest) {
    const auto write_started = std::chrono::steady_clock::now();
    auto committed = index_.commit({&change, 1}, why, clock_.now());
    if (!committed && committed.error().code == ErrorCode::conflict) {
        // The id was recorded meanwhile by a writer outside this service: answer as a replay.
        auto again = replay(*ca.registry, why.request_id, digest);
        if (!again) return tl::unexpected(again.error());
        if (*again) return std::move(**again);
    }
    if (!committed) return storage_refusal(committed.error());
    logger_.info("admin change applied", {{"kind", std::string(kind_name(change.kind))},
                                          {"ca", ca.name()},
                                          {"serial", change.serial.to_hex()},
                                          {"request_id", why.request_id},
                                          {"seq", std::to_string(committed->last_seq)}});
    auto entries = index_.journal(committed->last_seq, 1);
    UnixSeconds applied_at = entries && !entries->empty() ? entries->front().time : clock_.now();
    // Approved upstream (mode single): applied from its receipt.
    if (auto source = parse_admin_source(why.source); source && source->received_at) {
        observe("applied", *source->received_at, applied_at);
    }
    observe_visible(write_started);
    CertRecord record = change.record;
    record.last_seq = committed->last_seq;
    ChangeResult result{why.request_id,      ca.name(),  change.serial, record,
                        committed->last_seq, applied_at, false};
    result.kind = kind_name(change.kind);
    return result;
}

ApiResult<void> AdminService::check_certificate_scope(const Ca& ca, const Serial& serial,
                                                      const Caller& who) const {
    if (who.scopes.empty()) return {};
    if (auto ok = check_ca_scope(who, ca.name()); !ok) return ok;
    auto stored = index_.find(ca.served->issuer_id, serial);
    if (!stored) return storage_refusal(stored.error());
    // An unregistered serial has no recorded subject, so no subject rule holds for it. 403
    // rather than 404 tells nothing new: OCSP answers anyone whether a serial is registered.
    return check_scope(who, ca.name(), *stored ? std::string_view((*stored)->subject) : "");
}

AdminService::WriteLocks AdminService::lock_for_change(const Ca& ca, const Serial& serial,
                                                       bool scheduled) {
    // submit() and schedule() need all of it (next_expiry_, pending requests).
    if (ca.policy.approvals >= 2 || scheduled) return {std::unique_lock(write_mutex_), {}, {}};
    const auto bytes = serial.bytes();
    const std::size_t hash =
        std::hash<std::string_view>{}({reinterpret_cast<const char*>(bytes.data()), bytes.size()}) ^
        (std::size_t{ca.served->issuer_id} * 0x9E3779B97F4A7C15ULL);
    return {{},
            std::shared_lock(write_mutex_),
            std::unique_lock(record_locks_[hash % record_locks_.size()])};
}

template <typename Request>
ApiResult<AdminService::ChangeStart> AdminService::start_change(const Request& req,
                                                                const Caller& who, bool scheduled) {
    auto ca = find_ca(req.ca);
    if (!ca) return tl::unexpected(ca.error());
    // Its CRL is the record: a change made here would be undone by (or missing from) the next.
    if (ca->served->options.crl.enabled &&
        ca->served->options.crl.source == ca::CrlSource::imported) {
        return refuse(
            ApiErrorKind::conflict, "ca",
            "CA '" + ca->name() +
                "' takes its revocations from the CRLs its offline "
                "key signs (crl.source: import): revoke or release at the CA, then import "
                "its CRL (POST /v1/crls/" +
                ca->name() + "/import)");
    }
    WriteLocks locks = lock_for_change(*ca, req.serial, scheduled);
    ChangeStart start{std::move(*ca), body_digest(req.canonical()), std::move(locks), {}};
    // Before the replay: an earlier answer to a request id is the record's content too.
    if (auto ok = check_certificate_scope(start.ca, req.serial, who); !ok) {
        logger_.warn("admin request outside the caller's scope",
                     {{"ca", start.ca.name()}, {"client", who.subject}, {"rule", ok.error().rule}});
        return tl::unexpected(ok.error());
    }
    auto earlier = replay(*start.ca.registry, req.request_id, start.digest);
    if (!earlier) return tl::unexpected(earlier.error());
    start.earlier = std::move(*earlier);
    if (!start.earlier && same_name(req.approved_by, req.requested_by) &&
        !start.ca.policy.allow_single_approver) {
        return refuse(
            ApiErrorKind::bad_request, "approved_by",
            "must differ from requested_by: CA '" + start.ca.name() + "' requires two people");
    }
    return start;
}

ApiResult<ChangeResult> AdminService::revoke(const RevocationRequest& req, const Caller& who) {
    auto start = start_change(req, who, req.effective_at.has_value());
    if (!start) return tl::unexpected(start.error());
    if (start->earlier) return std::move(*start->earlier);
    const Ca& c = start->ca;
    const std::string& digest = start->digest;
    const UnixSeconds now = clock_.now();
    const TimeWindow window{c.served->issuer.not_before(), now};
    for (auto [field, t] :
         {std::pair{"revoked_at", req.revoked_at},
          std::pair{"invalidity_date", req.invalidity_date},
          std::pair{"approved_at", std::optional<UnixSeconds>(req.approved_at)}}) {
        if (auto ok = check_time(field, t, window); !ok) return tl::unexpected(ok.error());
    }
    if (req.effective_at && *req.effective_at <= now) {
        return refuse(ApiErrorKind::bad_request, "effective_at",
                      "must be in the future (now is " + format_rfc3339(now) +
                          "); a revocation due now is sent without effective_at");
    }
    auto stored = index_.find(c.served->issuer_id, req.serial);
    if (!stored) return storage_refusal(stored.error());
    if (!*stored && !c.policy.allow_unregistered) {
        return refuse(
            ApiErrorKind::not_found, "serial",
            "serial " + req.serial.to_hex() + " is not registered for CA '" + c.name() + "'");
    }
    storage::Change change{storage::ChangeKind::revoke, c.served->issuer_id, req.serial, {}};
    storage::Provenance why{req.request_id, req.requested_by, req.approved_by, req.evidence_sha256,
                            source_text("revoke", now, req.approved_at, digest, who)};
    if (req.effective_at) why.source = with_effective_at(why.source, *req.effective_at);
    auto record = revoked_record(
        *stored, req.subject_dn,
        {req.reason, req.effective_at ? req.effective_at : req.revoked_at, req.invalidity_date},
        now);
    if (!record) {
        if (!*stored) return tl::unexpected(record.error());
        // What was asked, for the audit entry: the record as it is, with the asked reason.
        change.record = **stored;
        change.record.reason = req.reason;
        return refused(change, why, who, tl::unexpected(record.error()));
    }
    change.record = *record;
    if (req.effective_at) return submit_scheduled(c, change, std::move(why), digest, who);
    return submit_or_apply(c, change, std::move(why), digest, who);
}

ApiResult<ChangeResult> AdminService::release(const ReleaseRequest& req, const Caller& who) {
    auto start = start_change(req, who, false);
    if (!start) return tl::unexpected(start.error());
    if (start->earlier) return std::move(*start->earlier);
    const Ca& c = start->ca;
    const std::string& digest = start->digest;
    const UnixSeconds now = clock_.now();
    const TimeWindow window{c.served->issuer.not_before(), now};
    if (auto ok = check_time("approved_at", req.approved_at, window); !ok) {
        return tl::unexpected(ok.error());
    }
    auto stored = index_.find(c.served->issuer_id, req.serial);
    if (!stored) return storage_refusal(stored.error());
    if (!*stored) {
        return refuse(
            ApiErrorKind::not_found, "serial",
            "serial " + req.serial.to_hex() + " is not registered for CA '" + c.name() + "'");
    }
    storage::Change change{storage::ChangeKind::release, c.served->issuer_id, req.serial, **stored};
    storage::Provenance why{req.request_id, req.requested_by, req.approved_by, req.evidence_sha256,
                            source_text("release", now, req.approved_at, digest, who)};
    auto record = released_record(**stored, std::nullopt);
    if (!record) return refused(change, why, who, tl::unexpected(record.error()));
    change.record = *record;
    return submit_or_apply(c, change, std::move(why), digest, who);
}

ApiResult<RegistrationResult> AdminService::register_certificates(const RegistrationRequest& req,
                                                                  const Caller& who) {
    auto ca = find_ca(req.ca);
    if (!ca) return tl::unexpected(ca.error());
    const Ca& c = *ca;
    if (auto ok = check_ca_scope(who, c.name()); !ok) return tl::unexpected(ok.error());
    std::vector<IndexEntry> entries;
    RegistrationResult result;
    for (std::size_t i = 0; i < req.certificates.size(); ++i) {
        const std::string field = "certificates[" + std::to_string(i) + "]";
        auto certs = decode_certificates(req.certificates[i]);
        if (!certs) return refuse(ApiErrorKind::bad_request, field, certs.error().message);
        for (const auto& cert : *certs) {
            if (!cert.issued_by(c.served->issuer)) {
                return refuse(ApiErrorKind::bad_request, field,
                              "certificate " + cert.serial().to_hex() + " ('" + cert.subject() +
                                  "') was not issued by CA '" + c.name() + "'");
            }
            if (auto ok = check_scope(who, c.name(), cert.subject()); !ok) {
                ok.error().field = field;  // the caller's own certificate, not a record
                return tl::unexpected(ok.error());
            }
            IndexEntry e;
            e.serial = cert.serial();
            e.record.state = CertState::issued;
            e.record.not_after = cert.not_after();
            e.record.subject = cert.subject();
            entries.push_back(std::move(e));
        }
    }
    if (entries.size() > options_.max_certificates) {
        return refuse(ApiErrorKind::bad_request, "certificates",
                      "more than " + std::to_string(options_.max_certificates) + " certificates");
    }
    result.offered = entries.size();
    storage::Provenance why;
    why.requested_by = who.subject;
    why.source = source_text("register", clock_.now(), std::nullopt, "-", who);
    std::lock_guard lock(write_mutex_);
    auto stats = import_entries(index_, c.served->issuer_id, entries, why, clock_.now(), nullptr);
    if (!stats) return storage_refusal(stats.error());
    result.registered = stats->written;
    result.unchanged = stats->unchanged;
    result.kept_revoked = stats->kept_revoked;
    result.last_seq = stats->last_seq;
    for (const auto& e : entries) {
        auto stored = index_.find(c.served->issuer_id, e.serial);
        if (!stored) return storage_refusal(stored.error());
        if (*stored) result.certificates.push_back({c.name(), e.serial, **stored});
    }
    logger_.info("admin certificates registered",
                 {{"ca", c.name()},
                  {"offered", std::to_string(result.offered)},
                  {"registered", std::to_string(result.registered)}});
    return result;
}

ApiResult<CertificateView> AdminService::certificate(std::string_view ca_name,
                                                     const Serial& serial) const {
    auto ca = find_ca(ca_name);
    if (!ca) return tl::unexpected(ca.error());
    auto stored = index_.find(ca->served->issuer_id, serial);
    if (!stored) return storage_refusal(stored.error());
    if (!*stored) {
        return refuse(ApiErrorKind::not_found, "serial",
                      "serial " + serial.to_hex() + " is not registered for CA '" +
                          std::string(ca_name) + "'");
    }
    return CertificateView{ca->name(), serial, **stored};
}

ApiResult<CertificateView> AdminService::certificate(std::string_view ca_name, const Serial& serial,
                                                     const Caller& who) const {
    if (!who.scopes.empty()) {
        auto ca = find_ca(ca_name);
        if (!ca) return tl::unexpected(ca.error());
        if (auto ok = check_certificate_scope(*ca, serial, who); !ok) {
            return tl::unexpected(ok.error());
        }
    }
    return certificate(ca_name, serial);
}

ApiResult<void> AdminService::check_request_scope(std::string_view id, const Caller& who) const {
    if (who.scopes.empty()) return {};
    auto pending = index_.find_pending(id);
    if (!pending) return storage_refusal(pending.error());
    if (*pending) {
        const auto& change = (*pending)->change;
        return check_scope(who, ca_name(change.issuer), change.record.subject);
    }
    auto seq = index_.find_request(id);
    if (!seq) return storage_refusal(seq.error());
    if (!*seq) return {};
    auto entries = index_.journal(**seq, 1);
    if (!entries) return storage_refusal(entries.error());
    if (entries->empty() || entries->front().provenance.request_id != id) return {};
    const auto& change = entries->front().change;
    return check_scope(who, ca_name(change.issuer), change.record.subject);
}

ApiResult<RequestStatus> AdminService::request(std::string_view request_id,
                                               const Caller& who) const {
    if (valid_request_id(request_id)) {
        if (auto ok = check_request_scope(request_id, who); !ok) return tl::unexpected(ok.error());
    }
    return request(request_id);
}

ApiResult<RequestStatus> AdminService::request(std::string_view request_id) const {
    if (!valid_request_id(request_id)) {
        return refuse(ApiErrorKind::bad_request, "request_id",
                      "use 1-128 of A-Z a-z 0-9 . _ : @ -");
    }
    auto seq = index_.find_request(request_id);
    if (!seq) return storage_refusal(seq.error());
    if (!*seq) {
        if (auto waiting = pending_status(request_id)) return std::move(*waiting);
    }
    auto entries = *seq ? index_.journal(**seq, 1) : Result<std::vector<storage::JournalEntry>>{};
    if (!entries) return storage_refusal(entries.error());
    if (!*seq || entries->empty() || entries->front().provenance.request_id != request_id) {
        return refuse(ApiErrorKind::not_found, "request_id",
                      "no request '" + std::string(request_id) + "' was applied");
    }
    const auto& e = entries->front();
    RequestStatus s;
    s.request_id = std::string(request_id);
    s.kind = kind_name(e.change.kind);
    s.ca = ca_name(*cas_(), e.change.issuer);
    s.serial = e.change.serial;
    if (auto source = parse_admin_source(e.provenance.source)) {
        s.received_at = source->received_at;
        s.effective_at = source->effective_at;
    }
    // Approved: by a second operator when applied (dual), or scheduled earlier; by the caller
    // upstream, so at its receipt (single).
    if (s.effective_at) {
        auto sched = schedule_of(request_id);
        if (!sched) return tl::unexpected(sched.error());
        if (*sched) s.approved_at = (*sched)->approved_at;
    } else if (e.provenance.mode == storage::ApprovalMode::dual) {
        s.approved_at = e.time;
    } else if (e.provenance.mode == storage::ApprovalMode::single) {
        s.approved_at = s.received_at;
    }
    s.applied_at = e.time;
    s.seq = e.seq;
    s.ocsp_visible_at = e.time;
    if (auto notified = index_.get_meta(notified_key(request_id)); notified && *notified) {
        s.notified_at = std::strtoll((*notified)->c_str(), nullptr, 10);
    }
    s.crl_publisher = crl_ != nullptr && crl_->publishes(s.ca);
    // The lookup reads the journal after the entry: only where a CRL can have covered it.
    if (s.crl_publisher) s.crl = first_crl_covering(index_, e.change.issuer, e.seq);
    if (!s.crl && crl_ != nullptr) s.crl = crl_->published_after(s.ca, e.seq);
    s.state = s.success() ? "success" : "applied";
    return s;
}

ApiResult<JournalPage> AdminService::journal(std::uint64_t since, std::size_t limit,
                                             const JournalFilter& filter) const {
    return journal_page(since, limit, filter, nullptr);
}

ApiResult<JournalPage> AdminService::journal(std::uint64_t since, std::size_t limit,
                                             const JournalFilter& filter, const Caller& who) const {
    return journal_page(since, limit, filter, &who);
}

ApiResult<JournalPage> AdminService::journal_page(std::uint64_t since, std::size_t limit,
                                                  const JournalFilter& filter,
                                                  const Caller* who) const {
    storage::IssuerId issuer = 0;
    if (filter.ca) {
        auto ca = find_ca(*filter.ca);
        if (!ca) return tl::unexpected(ca.error());
        if (who != nullptr) {
            if (auto ok = check_ca_scope(*who, ca->name()); !ok) return tl::unexpected(ok.error());
        }
        issuer = ca->served->issuer_id;
    }
    // Unscoped callers (the CA's own) pay one null test per entry, no snapshot, no DN parsing.
    const Caller* scoped = who != nullptr && !who->scopes.empty() ? who : nullptr;
    const auto cas = scoped != nullptr ? cas_() : nullptr;
    auto visible = [&](const storage::JournalEntry& e) {
        return scoped == nullptr ||
               in_scope(*scoped, ca_name(*cas, e.change.issuer), e.change.record.subject);
    };
    JournalPage page;
    page.next_since = since;
    // Bounded per call so that a filter matching little still answers quickly.
    for (std::size_t scanned = 0; scanned < kMaxJournalScan && page.entries.size() < limit;) {
        auto chunk = index_.journal(page.next_since, kJournalScanChunk);
        if (!chunk) return storage_refusal(chunk.error());
        std::size_t used = 0;
        for (auto& entry : *chunk) {
            if (page.entries.size() == limit) break;
            ++used;
            page.next_since = entry.seq + 1;
            if (matches(filter, issuer, entry) && visible(entry)) {
                page.entries.push_back(std::move(entry));
            }
        }
        scanned += used;
        if (chunk->size() < kJournalScanChunk && used == chunk->size()) {
            page.at_end = true;
            break;
        }
    }
    return page;
}

ApiResult<CrlGeneration> AdminService::generate_crl(std::string_view ca_name, const Caller& who) {
    auto ca = find_ca(ca_name);
    if (!ca) return tl::unexpected(ca.error());
    if (auto ok = check_whole_ca(who, "CRL generation", ca->name()); !ok) {
        return tl::unexpected(ok.error());
    }
    const std::string& name = ca->name();
    auto no_crls = [&] {
        return refuse(ApiErrorKind::not_found, "ca", "CA '" + name + "' does not publish CRLs");
    };
    if (reissuer_ == nullptr) return no_crls();
    auto made = reissuer_->reissue(name);
    if (!made) {
        logger_.error("CRL generation requested by the admin API failed",
                      {{"ca", name}, {"client", who.subject}, {"error", made.error().message}});
        // conflict: in a cluster, another node publishes this CA's CRLs now.
        return refuse(made.error().code == ErrorCode::conflict ? ApiErrorKind::conflict
                                                               : ApiErrorKind::unavailable,
                      "", "CRL generation failed for CA '" + name + "': " + made.error().message);
    }
    if (!*made) return no_crls();
    logger_.info("CRL generated by the admin API",
                 {{"ca", name},
                  {"client", who.subject},
                  {"number", std::to_string((*made)->full.crl_number)}});
    return std::move(**made);
}

ApiResult<CrlImported> AdminService::import_crl(std::string_view ca_name, ByteView der,
                                                const Caller& who) {
    auto ca = find_ca(ca_name);
    if (!ca) return tl::unexpected(ca.error());
    if (auto ok = check_whole_ca(who, "CRL import", ca->name()); !ok) {
        return tl::unexpected(ok.error());
    }
    const std::string& name = ca->name();
    if (reissuer_ == nullptr) {
        return refuse(ApiErrorKind::not_found, "ca", "CA '" + name + "' does not publish CRLs");
    }
    storage::Provenance why;
    why.requested_by = who.subject;
    why.source =
        source_text("crl-import", clock_.now(), std::nullopt, to_hex(Sha256::digest(der)), who);
    std::lock_guard lock(write_mutex_);
    auto imported = reissuer_->import_crl(name, der, why);
    if (!imported) {
        const Error& e = imported.error();
        logger_.warn("CRL import refused",
                     {{"ca", name}, {"client", who.subject}, {"error", e.message}});
        if (e.code == ErrorCode::invalid_argument) {
            return refuse(ApiErrorKind::bad_request, "crl", e.message);
        }
        if (e.code == ErrorCode::conflict) return refuse(ApiErrorKind::conflict, "crl", e.message);
        if (e.code == ErrorCode::not_found) return refuse(ApiErrorKind::not_found, "ca", e.message);
        return storage_refusal(e);
    }
    logger_.info("CRL imported through the admin API",
                 {{"ca", name},
                  {"client", who.subject},
                  {"number", std::to_string(imported->crl.crl_number)},
                  {"revoked", std::to_string(imported->revoked)},
                  {"released", std::to_string(imported->released)}});
    return std::move(*imported);
}

ApiResult<JournalCheck> AdminService::verify_journal() const {
    auto bad = index_.verify_journal();
    if (!bad) return storage_refusal(bad.error());
    auto stats = index_.stats();
    if (!stats) return storage_refusal(stats.error());
    JournalCheck check{*bad, stats->journal_entries, std::nullopt, ""};
    if (check.first_bad_seq) return check;  // the refold trusts the entries' content
    auto diff = index_.verify_records();
    if (!diff) return storage_refusal(diff.error());
    check.first_difference = *diff;
    if (check.first_difference) check.difference_ca = ca_name(check.first_difference->issuer);
    return check;
}

}  // namespace tanda::admin
