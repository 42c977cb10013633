// Conversions between Unix seconds and the time texts Tanda reads and writes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace tanda {

// ASN.1 UTCTime "YYMMDDHHMMSSZ" (years 50-99 are 19xx, RFC 5280 4.1.2.5.1) or GeneralizedTime
// "YYYYMMDDHHMMSSZ", as in OpenSSL's index.txt. nullopt when malformed or out of range.
std::optional<UnixSeconds> parse_asn1_time(std::string_view text);
// RFC 3339 UTC: "2026-11-22T03:48:33Z". Accepts fractional seconds and "+00:00" when parsing.
std::string format_rfc3339(UnixSeconds t);
std::optional<UnixSeconds> parse_rfc3339(std::string_view text);
// RFC 9110 5.6.7 IMF-fixdate: "Sun, 22 Nov 2026 03:48:33 GMT".
std::string format_http_date(UnixSeconds t);
std::optional<UnixSeconds> parse_http_date(std::string_view text);

}  // namespace tanda
