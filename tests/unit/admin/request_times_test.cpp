#include "admin/request_times.hpp"

#include <catch2/catch.hpp>

using namespace tanda;
using namespace tanda::admin;

TEST_CASE("stated times must lie between the CA's notBefore and Tanda's clock", "[times]") {
    const TimeWindow window{1'700'000'000, 1'800'000'000};
    auto [t, ok] = GENERATE(table<UnixSeconds, bool>({{1'700'000'000, true},
                                                      {1'750'000'000, true},
                                                      {1'800'000'000, true},
                                                      {1'699'999'999, false},
                                                      {1'800'000'001, false},
                                                      {0, false}}));
    CAPTURE(t);
    auto checked = check_time("revoked_at", t, window);
    CHECK(checked.has_value() == ok);
    if (!checked) {
        CHECK(checked.error().kind == ApiErrorKind::bad_request);
        CHECK(checked.error().field == "revoked_at");
        CHECK_THAT(checked.error().message,
                   Catch::Contains(t > window.latest ? "in the future" : "notBefore"));
    }
    CHECK(check_time("approved_at", std::nullopt, window));
}

TEST_CASE("the refusal names the bound it broke", "[times]") {
    const TimeWindow window{1'700'000'000, 1'800'000'000};
    auto early = check_time("invalidity_date", 1'600'000'000, window);
    REQUIRE_FALSE(early);
    CHECK(early.error().message ==
          "is before the issuing CA certificate's notBefore (2023-11-14T22:13:20Z): no "
          "certificate of this CA existed then");
    auto late = check_time("approved_at", 1'800'000'060, window);
    REQUIRE_FALSE(late);
    CHECK(late.error().message ==
          "is in the future (2027-01-15T08:01:00Z is after Tanda's clock, 2027-01-15T08:00:00Z)");
}
