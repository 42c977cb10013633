// The admin API's logic, independent of HTTP: applies approved revocation requests, holds and
// releases, registers certificates, and reports records, requests and the journal. Every write
// is one durable storage commit (record + journal entry); commit observers (OCSP cache, CRL
// publisher) have run when a write returns.
//
// Thread safety: all methods may be called concurrently; writes are serialised here, so the
// check of the stored record and the commit that changes it cannot interleave with another.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "admin/admin_options.hpp"
#include "admin/admin_requests.hpp"
#include "admin/api_error.hpp"
#include "admin/caller.hpp"
#include "admin/crl_publication.hpp"
#include "admin/journal_filter.hpp"
#include "ca/ca_registry_holder.hpp"
#include "core/logger.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::admin {

// The answer to a revocation or release (and, identically, to its replay).
struct ChangeResult {
    std::string request_id;
    std::string ca;
    Serial serial;
    CertRecord record;
    std::uint64_t seq = 0;
    UnixSeconds applied_at = 0;
    bool replayed = false;
};

struct CertificateView {
    std::string ca;
    Serial serial;
    CertRecord record;
};

struct RegistrationResult {
    std::size_t offered = 0;
    std::size_t registered = 0;    // new or changed records (one journal entry each)
    std::size_t unchanged = 0;
    std::size_t kept_revoked = 0;  // recorded revoked: a registration never undoes that
    std::vector<CertificateView> certificates;
    std::uint64_t last_seq = 0;
};

struct RequestStatus {
    std::string request_id;
    std::string kind;  // "revoke", "release"
    std::string ca;
    Serial serial;
    std::optional<UnixSeconds> received_at;
    UnixSeconds applied_at = 0;
    std::uint64_t seq = 0;
    // OCSP answers from the index, and commit observers have invalidated cached answers before
    // the commit returned: visible from applied_at on.
    UnixSeconds ocsp_visible_at = 0;
    std::optional<CrlPublication> crl;  // nullopt: not (yet, or no publisher) in a CRL
    bool crl_publisher = false;  // the CA publishes CRLs; when not, never success
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
    [[nodiscard]] ApiResult<RegistrationResult> register_certificates(
        const RegistrationRequest& req, const Caller& who);

    [[nodiscard]] ApiResult<CertificateView> certificate(std::string_view ca,
                                                         const Serial& serial) const;
    [[nodiscard]] ApiResult<RequestStatus> request(std::string_view request_id) const;
    // Up to `limit` entries from seq `since` on that meet `filter` (404 for a CA not served).
    // A call scans a bounded number of entries, so a page may hold fewer than `limit` while
    // more match later: continue from next_since until at_end.
    [[nodiscard]] ApiResult<JournalPage> journal(std::uint64_t since, std::size_t limit,
                                                 const JournalFilter& filter = {}) const;
    [[nodiscard]] ApiResult<JournalCheck> verify_journal() const;
    // Regenerates the CA's CRL now: 404 for an unknown CA or one without CRL publishing, 503
    // when generation fails. Logged with the caller; not journaled (no record changes).
    [[nodiscard]] ApiResult<CrlGeneration> generate_crl(std::string_view ca, const Caller& who);

    // The CA name of a storage issuer id in the current registry; empty when it is not a
    // served CA.
    std::string ca_name(storage::IssuerId id) const;
    const AdminOptions& options() const { return options_; }
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
    // The common start of a revocation or a release: the CA, the body digest for replay
    // detection, the write lock (held until the change is applied), an earlier answer to the
    // same request id, and the two-person rule.
    struct ChangeStart {
        Ca ca;
        std::string digest;
        std::unique_lock<std::mutex> lock;
        std::optional<ChangeResult> earlier;
    };
    template <typename Request>
    ApiResult<ChangeStart> start_change(const Request& req);
    // The original answer when `request_id` was applied with the same canonical body (its
    // SHA-256 is `body_sha256`); 409 when it was used with another body or for another kind of
    // request; nullopt when the id is new.
    ApiResult<std::optional<ChangeResult>> replay(const ca::CaRegistry& cas,
                                                  const std::string& request_id,
                                                  const std::string& body_sha256) const;
    ApiResult<ChangeResult> apply(const Ca& ca, const storage::Change& change,
                                  const storage::Provenance& why, const std::string& body_sha256);

    ca::CaSnapshot cas_;
    storage::RevocationIndex& index_;
    const Clock& clock_;
    Logger& logger_;
    const CrlPublicationSource* crl_;
    CrlReissuer* reissuer_;
    AdminOptions options_;
    std::mutex write_mutex_;
};

// The journal entry `source` of admin writes:
//   "admin;<kind>;received=<RFC 3339>;approved_at=<RFC 3339 or ->;body_sha256=<hex>;client=<DN>"
struct AdminSource {
    std::string kind;
    std::optional<UnixSeconds> received_at;
    std::string body_sha256;
};
std::optional<AdminSource> parse_admin_source(std::string_view source);

}  // namespace tanda::admin
