// What a revocation or a release does to a certificate's record, and when it is refused: one
// place for the checks a submission and, under dual control, its approval both make against
// the record as it is then.
#pragma once

#include <optional>
#include <string_view>

#include "admin/api_error.hpp"
#include "core/cert_record.hpp"

namespace tanda::admin {

struct Revocation {
    Reason reason = Reason::unspecified;
    // Default: `now`, or a hold's own time when a hold becomes final.
    std::optional<UnixSeconds> revoked_at;
    std::optional<UnixSeconds> invalidity_date;
};

// The record after revoking `stored` (nullopt: an unregistered serial, whose subject becomes
// `subject_dn`). 409 (field subject_dn) when `subject_dn` does not name the record's subject,
// never echoing it; 409 (field serial) when already revoked, except a hold becoming final.
ApiResult<CertRecord> revoked_record(const std::optional<CertRecord>& stored,
                                     std::string_view subject_dn, const Revocation& revocation,
                                     UnixSeconds now);

// The record after releasing `stored` from certificateHold. With `subject_dn` (an approver's
// check) a different subject is 409 as above; a record not on hold is 409 (field serial).
ApiResult<CertRecord> released_record(const CertRecord& stored,
                                      std::optional<std::string_view> subject_dn);

}  // namespace tanda::admin
