#include "config/units.hpp"

#include <catch2/catch.hpp>

using tanda::config::parse_duration;
using tanda::config::parse_size;

TEST_CASE("durations", "[units]") {
    auto [text, seconds] = GENERATE(table<const char*, long long>({
        {"0", 0}, {"45", 45}, {"30s", 30}, {"5m", 300}, {"24h", 86400}, {"7d", 604800},
        {"10y", 315360000}, {"2 h", 7200}}));
    INFO(text);
    auto d = parse_duration(text);
    REQUIRE(d);
    CHECK(d->count() == seconds);
}

TEST_CASE("bad durations", "[units]") {
    auto text = GENERATE("", "h", "-5m", "5 minutes", "1.5h", "99999999999999999999s", "2000y");
    INFO(text);
    CHECK_FALSE(parse_duration(text));
}

TEST_CASE("sizes", "[units]") {
    CHECK(parse_size("4096") == 4096u);
    CHECK(parse_size("64KiB") == 65536u);
    CHECK(parse_size("64K") == 65536u);
    CHECK(parse_size("1GiB") == (1ull << 30));
    CHECK(parse_size("2TiB") == (2ull << 40));
    CHECK_FALSE(parse_size("1GB"));
    CHECK_FALSE(parse_size("lots"));
    CHECK_FALSE(parse_size("99999999999TiB"));
}
