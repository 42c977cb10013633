// The header in which a revocation's answer carries the holder's status token (README, "Holder
// status"): written by the admin routes, read by `tanda admin revoke`.
#pragma once

#include <string_view>

namespace tanda::admin {

inline constexpr std::string_view kStatusTokenHeader = "Tanda-Status-Token";

}  // namespace tanda::admin
