#include "core/civil_time.hpp"

#include <chrono>

namespace tanda {

CivilTime to_civil_time(UnixSeconds t) {
    using namespace std::chrono;
    const sys_seconds at{seconds{t}};
    const sys_days date = floor<days>(at);  // towards the past, also before 1970
    const year_month_day ymd{date};
    const hh_mm_ss<seconds> time{at - date};
    return {static_cast<int>(ymd.year()),
            static_cast<unsigned>(ymd.month()),
            static_cast<unsigned>(ymd.day()),
            static_cast<unsigned>(time.hours().count()),
            static_cast<unsigned>(time.minutes().count()),
            static_cast<unsigned>(time.seconds().count()),
            weekday{date}.c_encoding()};
}

std::optional<UnixSeconds> from_civil_time(const CivilTime& c) {
    using namespace std::chrono;
    // Range checks first: chrono's month and day keep only a byte, so 257 would wrap to 1.
    if (c.year < 1 || c.year > 9999 || c.month > 12 || c.day > 31 || c.hour > 23 ||
        c.minute > 59 || c.second > 59) {
        return std::nullopt;
    }
    const year_month_day ymd{year{c.year}, month{c.month}, day{c.day}};
    if (!ymd.ok()) return std::nullopt;
    const sys_seconds at = sys_days{ymd} + hours{c.hour} + minutes{c.minute} + seconds{c.second};
    return at.time_since_epoch().count();
}

}  // namespace tanda
