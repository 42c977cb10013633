#include "core/time_format.hpp"

#include <catch2/catch.hpp>

TEST_CASE("parse_asn1_time reads UTCTime and GeneralizedTime", "[time]") {
    auto [text, expected] = GENERATE(table<std::string, tanda::UnixSeconds>({
        {"700101000000Z", 0},
        {"491231235959Z", 2524607999},  // 2049: UTCTime years below 50 are 20xx
        {"500101000000Z", -631152000},  // 1950
        {"20261122034833Z", 1795319313},
        {"19700101000001Z", 1},
        {"20000229120000Z", 951825600},
    }));
    CHECK(tanda::parse_asn1_time(text) == expected);
}

TEST_CASE("parse_asn1_time rejects malformed times", "[time]") {
    auto text = GENERATE(as<std::string>{}, "", "700101000000", "7001010000Z", "20261322034833Z",
                         "20260230000000Z", "20250229000000Z", "20261122246000Z", "2026112203483aZ",
                         "20261122034833+0000");
    CHECK_FALSE(tanda::parse_asn1_time(text));
}

TEST_CASE("format_rfc3339 and parse_rfc3339 round trip", "[time]") {
    auto t = GENERATE(tanda::UnixSeconds{0}, tanda::UnixSeconds{1795319313},
                      tanda::UnixSeconds{951825600}, tanda::UnixSeconds{-1},
                      tanda::UnixSeconds{253402300799});
    CHECK(tanda::parse_rfc3339(tanda::format_rfc3339(t)) == t);
}

TEST_CASE("format_rfc3339 writes UTC with a Z", "[time]") {
    CHECK(tanda::format_rfc3339(0) == "1970-01-01T00:00:00Z");
    CHECK(tanda::format_rfc3339(1795319313) == "2026-11-22T03:48:33Z");
    CHECK(tanda::format_rfc3339(-1) == "1969-12-31T23:59:59Z");
}

TEST_CASE("parse_rfc3339 accepts fractions and +00:00, rejects other offsets", "[time]") {
    CHECK(tanda::parse_rfc3339("2026-11-22T03:48:33.250Z") == 1795319313);
    CHECK(tanda::parse_rfc3339("2026-11-22t03:48:33+00:00") == 1795319313);
    CHECK_FALSE(tanda::parse_rfc3339("2026-11-22T03:48:33+07:00"));
    CHECK_FALSE(tanda::parse_rfc3339("2026-11-22T03:48:33.Z"));
    CHECK_FALSE(tanda::parse_rfc3339("2026-11-22 03:48:33Z"));
    CHECK_FALSE(tanda::parse_rfc3339("2026-02-30T00:00:00Z"));
}
