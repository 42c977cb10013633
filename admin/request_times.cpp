#include "admin/request_times.hpp"

#include <string>

#include "core/time_format.hpp"

namespace tanda::admin {

ApiResult<void> check_time(const char* field, const std::optional<UnixSeconds>& t,
                           const TimeWindow& window) {
    if (!t) return {};
    if (*t > window.latest) {
        return refuse(ApiErrorKind::bad_request, field,
                      "is in the future (" + format_rfc3339(*t) + " is after Tanda's clock, " +
                          format_rfc3339(window.latest) + ")");
    }
    if (*t < window.earliest) {
        return refuse(ApiErrorKind::bad_request, field,
                      "is before the issuing CA certificate's notBefore (" +
                          format_rfc3339(window.earliest) +
                          "): no certificate of this CA existed then");
    }
    return {};
}

}  // namespace tanda::admin
