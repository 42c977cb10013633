// Unix seconds as UTC calendar fields and back, through <chrono>'s proleptic Gregorian calendar:
// the one place Tanda converts between seconds and dates (core's time texts, pki's DER times).
#pragma once

#include <optional>

#include "core/clock.hpp"

namespace tanda {

struct CivilTime {
    int year = 1970;
    unsigned month = 1;  // 1-12
    unsigned day = 1;    // 1-31
    unsigned hour = 0, minute = 0, second = 0;
    unsigned weekday = 4;  // 0 = Sunday, as std::chrono::weekday::c_encoding()
};

// Exact for years -32767 to 32767 (std::chrono::year's range).
CivilTime to_civil_time(UnixSeconds t);
// nullopt unless `c` names a real second of the years 1-9999 (February 29 only in leap years,
// no leap second). `c.weekday` is not read.
std::optional<UnixSeconds> from_civil_time(const CivilTime& c);

}  // namespace tanda
