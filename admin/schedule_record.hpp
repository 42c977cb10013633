// What Tanda keeps of a scheduled revocation (issue 21) beside its pending request, which
// `pending` stores as submitted: the approval that scheduled it and the first of two operators'
// request to cancel it. One meta key per request, so no storage write method is added; the
// journal has the matching `scheduled` and `cancel_requested` audit entries.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::admin {

struct ScheduleRecord {
    UnixSeconds approved_at = 0;
    storage::ApprovalMode mode = storage::ApprovalMode::dual;
    std::string approved_by_identity;
    std::optional<UnixSeconds> cancel_requested_at;
    std::string cancel_requested_by_identity;
    std::string cancel_reason;
    bool cancelled = false;
};

// "schedule:<request id>".
std::string schedule_key(std::string_view request_id);
// "name=value" lines; newlines inside values become spaces. decode ignores unknown names and
// is nullopt when approved_at is missing or not a number.
std::string encode_schedule(const ScheduleRecord& s);
std::optional<ScheduleRecord> decode_schedule(std::string_view text);

// An admin journal source (admin_service.hpp, AdminSource) with ";effective_at=<RFC 3339>"
// inserted before its client DN; parse_admin_source reads it back.
std::string with_effective_at(std::string source, UnixSeconds effective_at);

}  // namespace tanda::admin
