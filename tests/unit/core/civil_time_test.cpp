#include "core/civil_time.hpp"

#include <catch2/catch.hpp>

namespace {

struct Expected {
    tanda::UnixSeconds t;
    int year;
    unsigned month, day, hour, minute, second, weekday;
};

}  // namespace

TEST_CASE("to_civil_time splits Unix seconds into UTC fields", "[time]") {
    auto e = GENERATE(values<Expected>({
        {0, 1970, 1, 1, 0, 0, 0, 4},                  // a Thursday
        {-1, 1969, 12, 31, 23, 59, 59, 3},            // before the epoch rounds to the past
        {951825600, 2000, 2, 29, 12, 0, 0, 2},        // a leap day of a year divisible by 400
        {1795319313, 2026, 11, 22, 3, 48, 33, 0},
        {-631152000, 1950, 1, 1, 0, 0, 0, 0},
        {253402300799, 9999, 12, 31, 23, 59, 59, 5},
        {-62135596800, 1, 1, 1, 0, 0, 0, 1},
    }));
    const tanda::CivilTime c = tanda::to_civil_time(e.t);
    CHECK(c.year == e.year);
    CHECK(c.month == e.month);
    CHECK(c.day == e.day);
    CHECK(c.hour == e.hour);
    CHECK(c.minute == e.minute);
    CHECK(c.second == e.second);
    CHECK(c.weekday == e.weekday);
    CHECK(tanda::from_civil_time(c) == e.t);
}

TEST_CASE("from_civil_time counts days from 1970-01-01", "[time]") {
    CHECK(tanda::from_civil_time({1970, 1, 1}) == 0);
    CHECK(tanda::from_civil_time({2000, 3, 1}) == 11017 * 86400);
    CHECK(tanda::from_civil_time({1969, 12, 31, 23, 59, 59}) == -1);
}

TEST_CASE("from_civil_time rejects what is not a date and time", "[time]") {
    auto c = GENERATE(values<tanda::CivilTime>({
        {2025, 2, 29},            // not a leap year
        {1900, 2, 29},            // divisible by 100, not by 400
        {2026, 4, 31},
        {2026, 13, 1},
        {2026, 0, 1},
        {2026, 1, 0},
        {2026, 1, 257},           // would wrap to day 1 in a chrono::day
        {2026, 1, 1, 24, 0, 0},
        {2026, 1, 1, 0, 60, 0},
        {2026, 1, 1, 0, 0, 60},   // no leap seconds
        {0, 1, 1},
        {10000, 1, 1},
    }));
    CHECK_FALSE(tanda::from_civil_time(c));
}
