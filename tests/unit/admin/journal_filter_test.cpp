#include "admin/journal_filter.hpp"

#include <catch2/catch.hpp>

using namespace tanda;
using namespace tanda::admin;

namespace {

storage::JournalEntry entry(storage::IssuerId issuer, std::string_view serial_hex,
                            std::string request_id, UnixSeconds time) {
    storage::JournalEntry e;
    e.seq = 7;
    e.time = time;
    e.change.issuer = issuer;
    e.change.serial = *Serial::from_hex(serial_hex);
    e.provenance.request_id = std::move(request_id);
    return e;
}

}  // namespace

TEST_CASE("Journal filters are read from the query, percent-decoded", "[journal_filter]") {
    auto f = parse_journal_filter(
        "/v1/journal?since=3&ca=rsa&serial=30:07&request_id=req%20%2F1&from=2026-03-01T00:00:00Z"
        "&to=2026-03-02T00:00:00Z&limit=5");
    REQUIRE(f);
    CHECK(f->ca == "rsa");
    CHECK(f->serial->to_hex() == "3007");
    CHECK(f->request_id == "req /1");
    CHECK(f->from == 1772323200);
    CHECK(f->to == 1772409600);

    auto none = parse_journal_filter("/v1/journal");
    REQUIRE(none);
    CHECK_FALSE(none->ca);
    CHECK_FALSE(none->serial);
    CHECK_FALSE(none->request_id);
    CHECK_FALSE(none->from);
    CHECK_FALSE(none->to);
}

TEST_CASE("A bad filter value is 400 naming its key", "[journal_filter]") {
    auto [query, field] = GENERATE(table<std::string, std::string>({
        {"serial=xyz", "serial"},
        {"serial=", "serial"},
        {"from=yesterday", "from"},
        {"to=2026-13-01T00:00:00Z", "to"},
        {"from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "from"},
        {"request_id=%4", "request_id"},
        {"request_id=%zz", "request_id"},
        {"ca=a&ca=b", "ca"},
        {"ca", "ca"},
    }));
    auto f = parse_journal_filter("/v1/journal?" + query);
    REQUIRE_FALSE(f);
    CHECK(f.error().kind == ApiErrorKind::bad_request);
    CHECK(f.error().field == field);
}

TEST_CASE("An entry matches when it meets every filter given", "[journal_filter]") {
    const auto e = entry(2, "3007", "req-1", 1000);
    JournalFilter f;
    CHECK(matches(f, 0, e));
    f.ca = "rsa";
    CHECK(matches(f, 2, e));
    CHECK_FALSE(matches(f, 3, e));
    f.serial = *Serial::from_hex("3007");
    f.request_id = "req-1";
    f.from = 1000;
    f.to = 1000;  // both ends inclusive
    CHECK(matches(f, 2, e));
    auto [change, expected] =
        GENERATE(table<int, bool>({{0, false}, {1, false}, {2, false}, {3, false}, {4, true}}));
    JournalFilter g = f;
    if (change == 0) g.serial = *Serial::from_hex("3008");
    if (change == 1) g.request_id = "req-2";
    if (change == 2) g.from = 1001;
    if (change == 3) g.to = 999;
    CHECK(matches(g, 2, e) == expected);
}

TEST_CASE("The CLI's journal target percent-encodes values", "[journal_filter]") {
    CHECK(journal_target({}) == "/v1/journal");
    CHECK(journal_target(
              {{"since", "1"}, {"request_id", "a b/&=é"}, {"from", "2026-03-01T00:00:00Z"}}) ==
          "/v1/journal?since=1&request_id=a%20b%2F%26%3D%C3%A9&from=2026-03-01T00%3A00%3A00Z");
    auto round_trip = parse_journal_filter(journal_target({{"request_id", "a b/&=é+"}}));
    REQUIRE(round_trip);
    CHECK(round_trip->request_id == "a b/&=é+");
}
