#include "admin/crl_stages.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "tests/unit/admin/notify_test_support.hpp"

using namespace tanda;
using namespace tanda::admin;

namespace {

struct Recorded {
    test::NotifyIndex db;
    Logger logger{LogLevel::error};
    std::map<std::string, std::vector<double>> seen;
    CrlStageRecorder recorder{*db.index, logger, [this](std::string_view stage, double seconds) {
                                  seen[std::string(stage)].push_back(seconds);
                              }};

    std::optional<std::uint64_t> first_number(std::uint64_t seq) {
        auto crl = first_crl_covering(*db.index, db.issuer, seq);
        return crl ? std::optional<std::uint64_t>(crl->crl_number) : std::nullopt;
    }
};

}  // namespace

TEST_CASE("a CRL stage round-trips through its meta value; malformed values are refused",
          "[crl_stages]") {
    auto crl = decode_crl_stage(encode_crl_stage({42, 1700000300}));
    REQUIRE(crl);
    CHECK(crl->crl_number == 42);
    CHECK(crl->published_at == 1700000300);
    CHECK(crl_cover_key(3, 1234) == "crl_cover/3/00000000000000001234");
    CHECK(crl_cover_key(3, UINT64_MAX) == "crl_cover/3/18446744073709551615");
    for (const char* bad : {"", "42", "42 ", " 1700000300", "42 17x", "x 1", "42  1"}) {
        CHECK_FALSE(decode_crl_stage(bad));
    }
}

TEST_CASE("each request's first CRL is the first recorded that covers it, with its seconds",
          "[crl_stages]") {
    Recorded r;
    const auto first = r.db.revoke("0a", "r-first");  // applied at 1700000200
    const auto second = r.db.revoke("0b", "r-second");
    REQUIRE(second > first);
    CHECK_FALSE(r.first_number(first));

    // CRL 5 covers the first request only; CRL 6 what came after it.
    r.recorder.record(r.db.issuer, {5, 1700000260}, 0, first);
    CHECK(r.first_number(first) == 5u);
    CHECK_FALSE(r.first_number(second));
    CHECK(r.seen["crl_published"] == std::vector<double>{60});
    r.recorder.record(r.db.issuer, {6, 1700000500}, first, second);
    CHECK(r.first_number(first) == 5u);  // a later CRL does not replace the first
    auto s2 = first_crl_covering(*r.db.index, r.db.issuer, second);
    REQUIRE(s2);
    CHECK(s2->crl_number == 6);
    CHECK(s2->published_at == 1700000500);
    CHECK(r.seen["crl_published"] == std::vector<double>{60, 300});
    // Nothing covers what comes next, and another issuer's CRLs are its own.
    CHECK_FALSE(r.first_number(second + 1));
    CHECK_FALSE(first_crl_covering(*r.db.index, r.db.issuer + 1, first));
}

TEST_CASE("another issuer's CRL and entries outside the range are not observed", "[crl_stages]") {
    Recorded r;
    const auto seq = r.db.revoke("0c", "r-other");
    r.recorder.record(r.db.issuer + 1, {5, 1700000260}, 0, seq);     // not its issuer
    r.recorder.record(r.db.issuer, {6, 1700000260}, seq, seq + 10);  // after it
    r.recorder.record(r.db.issuer, {7, 1700000260}, 0, seq - 1);     // its registration only
    CHECK(r.seen.empty());
}
