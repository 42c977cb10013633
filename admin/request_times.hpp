// The times a revocation or release request states (revoked_at, invalidity_date, approved_at),
// checked against what Tanda can know: its own clock and the issuing CA certificate.
#pragma once

#include <optional>

#include "admin/api_error.hpp"
#include "core/clock.hpp"

namespace tanda::admin {

// The window a stated time must fall in. `earliest` is the issuing CA certificate's notBefore:
// no certificate of that CA was valid, or revoked, or its revocation approved, before it. The
// leaf's own notBefore is not recorded (index.txt does not carry it), so this is the bound that
// every record has. `latest` is Tanda's clock: the times come from a signed letter, not from
// another clock, so there is no skew allowance; a later time has not happened yet.
struct TimeWindow {
    UnixSeconds earliest = 0;
    UnixSeconds latest = 0;
};

// 400 naming `field` when `t` is given and outside `window`; the message gives the bound.
[[nodiscard]] ApiResult<void> check_time(const char* field, const std::optional<UnixSeconds>& t,
                                         const TimeWindow& window);

}  // namespace tanda::admin
