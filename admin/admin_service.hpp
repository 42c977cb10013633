// The admin API's logic, independent of HTTP: applies approved revocation requests, holds and
// releases, registers certificates, and reports records, requests and the journal. Every write
// is one durable storage commit (record + journal entry); commit observers (OCSP cache, CRL
// publisher) have run when a write returns.
//
// Thread safety: all methods may be called concurrently; writes are serialised here, so the
// check of the stored record and the commit that changes it cannot interleave with another.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "admin/admin_options.hpp"
#include "admin/admin_requests.hpp"
#include "admin/api_error.hpp"
#include "admin/caller.hpp"
#include "admin/crl_publication.hpp"
#include "core/logger.hpp"
#include "pki/certificate.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::admin {

struct AdminCa {
    std::string name;
    storage::IssuerId issuer_id = 0;
    pki::Certificate issuer;
    CaPolicy policy;
};

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
};

struct JournalCheck {
    std::optional<std::uint64_t> first_bad_seq;
    std::uint64_t entries = 0;
};

class AdminService {
public:
    // `index`, `clock`, `logger`, `crl` and `reissuer` (both may be null) must outlive the
    // service.
    AdminService(std::vector<AdminCa> cas, storage::RevocationIndex& index, const Clock& clock,
                 Logger& logger, const CrlPublicationSource* crl, CrlReissuer* reissuer,
                 AdminOptions options);

    [[nodiscard]] ApiResult<ChangeResult> revoke(const RevocationRequest& req, const Caller& who);
    [[nodiscard]] ApiResult<ChangeResult> release(const ReleaseRequest& req, const Caller& who);
    [[nodiscard]] ApiResult<RegistrationResult> register_certificates(
        const RegistrationRequest& req, const Caller& who);

    [[nodiscard]] ApiResult<CertificateView> certificate(std::string_view ca,
                                                         const Serial& serial) const;
    [[nodiscard]] ApiResult<RequestStatus> request(std::string_view request_id) const;
    [[nodiscard]] ApiResult<JournalPage> journal(std::uint64_t since, std::size_t limit) const;
    [[nodiscard]] ApiResult<JournalCheck> verify_journal() const;
    // Regenerates the CA's CRL now: 404 for an unknown CA or one without CRL publishing, 503
    // when generation fails. Logged with the caller; not journaled (no record changes).
    [[nodiscard]] ApiResult<CrlGeneration> generate_crl(std::string_view ca, const Caller& who);

    // The CA name of a storage issuer id; empty when it is not a served CA.
    std::string ca_name(storage::IssuerId id) const;
    const AdminOptions& options() const { return options_; }
    const Clock& clock() const { return clock_; }

private:
    ApiResult<const AdminCa*> find_ca(std::string_view name) const;
    // The common start of a revocation or a release: the CA, the body digest for replay
    // detection, the write lock (held until the change is applied), an earlier answer to the
    // same request id, and the two-person rule.
    struct ChangeStart {
        const AdminCa* ca = nullptr;
        std::string digest;
        std::unique_lock<std::mutex> lock;
        std::optional<ChangeResult> earlier;
    };
    template <typename Request>
    ApiResult<ChangeStart> start_change(const Request& req);
    // The original answer when `request_id` was applied with the same canonical body (its
    // SHA-256 is `body_sha256`); 409 when it was used with another body or for another kind of
    // request; nullopt when the id is new.
    ApiResult<std::optional<ChangeResult>> replay(const std::string& request_id,
                                                  const std::string& body_sha256) const;
    ApiResult<ChangeResult> apply(const AdminCa& ca, const storage::Change& change,
                                  const storage::Provenance& why, const std::string& body_sha256);

    std::vector<AdminCa> cas_;
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
