#include "admin/record_transitions.hpp"

#include <string>

#include "admin/distinguished_name.hpp"
#include "core/time_format.hpp"

namespace tanda::admin {
namespace {

tl::unexpected<ApiError> dn_mismatch() {
    // The record's subject is not echoed: the caller must have read it from the certificate,
    // not copied it from this answer (issue 17).
    return refuse(ApiErrorKind::conflict, "subject_dn",
                  "does not match the certificate's subject (compared as names; check it "
                  "against the certificate)");
}

}  // namespace

ApiResult<CertRecord> revoked_record(const std::optional<CertRecord>& stored,
                                     std::string_view subject_dn, const Revocation& revocation,
                                     UnixSeconds now) {
    CertRecord record;
    if (!stored) {
        if (!parse_dn(subject_dn)) {
            return refuse(ApiErrorKind::bad_request, "subject_dn", "not a distinguished name");
        }
        record.subject = std::string(subject_dn);
    } else {
        record = *stored;
        if (!same_dn_either_order(subject_dn, record.subject)) return dn_mismatch();
        const bool hold_to_final =
            record.on_hold() && revocation.reason != Reason::certificate_hold;
        if (record.state == CertState::revoked && !hold_to_final) {
            return refuse(ApiErrorKind::conflict, "serial",
                          "already revoked (" + std::string(reason_name(record.reason)) + ", " +
                              format_rfc3339(record.revoked_at) + ")");
        }
    }
    const bool was_on_hold = record.on_hold();
    record.state = CertState::revoked;
    record.revoked_at = revocation.revoked_at.value_or(was_on_hold ? record.revoked_at : now);
    record.reason = revocation.reason;
    record.invalidity_date = revocation.invalidity_date;
    return record;
}

ApiResult<CertRecord> released_record(const CertRecord& stored,
                                      std::optional<std::string_view> subject_dn) {
    if (subject_dn && !same_dn_either_order(*subject_dn, stored.subject)) return dn_mismatch();
    if (!stored.on_hold()) {
        return refuse(ApiErrorKind::conflict, "serial",
                      "not on hold (certificateHold): only a hold can be released");
    }
    CertRecord record = stored;
    record.state = CertState::issued;
    record.reason = Reason::unspecified;
    record.revoked_at = 0;
    record.invalidity_date.reset();
    return record;
}

}  // namespace tanda::admin
