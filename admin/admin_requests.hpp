// The admin API's write requests as validated structs, parsed strictly from JSON (Boost.JSON):
// malformed JSON, a wrong type, an unknown or missing field, bad hex, an unknown reason or a
// value over its limit is a 400 naming the field. Nothing here touches storage.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admin/api_error.hpp"
#include "core/clock.hpp"
#include "core/revocation_reason.hpp"
#include "core/serial.hpp"

namespace tanda::admin {

struct RevocationRequest {
    std::string request_id;  // [A-Za-z0-9._:@-], 1..128
    std::string ca;
    Serial serial;
    Reason reason = Reason::unspecified;  // never remove_from_crl (that is a release)
    std::optional<UnixSeconds> revoked_at;       // default: now (a hold's time when finalising)
    std::optional<UnixSeconds> invalidity_date;
    std::string subject_dn;  // the DN the operator checked
    std::string requested_by;  // normalised (admin/person_name.hpp), never blank
    std::string approved_by;   // likewise
    UnixSeconds approved_at = 0;
    std::string evidence_sha256;  // lower-case, 64 hex digits
    // A revocation scheduled for a holder's end of term (issue 21): it takes effect, with this
    // as its revocation time, then. Only with reason cessationOfOperation or affiliationChanged
    // and without revoked_at.
    std::optional<UnixSeconds> effective_at;

    // An unambiguous text of every field (defaults unresolved), for idempotent replays.
    std::string canonical() const;
};

struct ReleaseRequest {
    std::string request_id;
    std::string ca;  // from the path
    Serial serial;   // from the path
    std::string requested_by;
    std::string approved_by;
    std::optional<UnixSeconds> approved_at;
    std::string evidence_sha256;  // optional: empty or 64 hex digits

    std::string canonical() const;
};

// POST /v1/requests/{id}/approve: the approver's own check of the certificate's subject.
struct ApproveRequest {
    std::string subject_dn;
};

// POST /v1/requests/{id}/reject: why, for the journal and the holder.
struct RejectRequest {
    std::string reason;  // whitespace normalised, never blank
};

struct RegistrationRequest {
    std::string ca;
    // Each entry: PEM text with one or more certificates, or one base64 DER certificate.
    std::vector<std::string> certificates;
};

// POST /v1/blocks/unblock: one key as GET /v1/blocks lists it, or every block.
struct UnblockRequest {
    std::string key;  // "spki:<64 lower-case hex>" or "ip:<address>"; empty when `all`
    bool all = false;
};

// `body` over `max_bytes` is refused with field "body". A key given twice is refused too.
[[nodiscard]] ApiResult<RevocationRequest> parse_revocation(std::string_view body,
                                                            std::size_t max_bytes);
[[nodiscard]] ApiResult<ReleaseRequest> parse_release(std::string_view body, std::string_view ca,
                                                      std::string_view serial_hex,
                                                      std::size_t max_bytes);
[[nodiscard]] ApiResult<ApproveRequest> parse_approve(std::string_view body, std::size_t max_bytes);
[[nodiscard]] ApiResult<RejectRequest> parse_reject(std::string_view body, std::size_t max_bytes);
[[nodiscard]] ApiResult<RegistrationRequest> parse_registration(std::string_view body,
                                                                std::size_t max_certificates);
// {"crl": "<PEM, or base64 DER>"}: the DER of a CRL, not yet checked against any CA.
[[nodiscard]] ApiResult<Bytes> parse_crl_import(std::string_view body, std::size_t max_bytes);
// {"key": "..."} or {"all": true}, exactly one.
[[nodiscard]] ApiResult<UnblockRequest> parse_unblock(std::string_view body,
                                                      std::size_t max_bytes);

// Shared by the body field and the path parameters of the routes. Accepts the forms people
// paste: "3007", "30:07", "0x3007", upper or lower case. 400 naming `field` otherwise.
[[nodiscard]] ApiResult<Serial> parse_serial(std::string_view hex, const std::string& field);
bool valid_request_id(std::string_view id);

}  // namespace tanda::admin
