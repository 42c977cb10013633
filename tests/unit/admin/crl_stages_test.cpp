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

    std::optional<CrlPublication> stage_of(const std::string& request_id) {
        auto meta = db.index->get_meta(crl_published_key(request_id));
        REQUIRE(meta);
        if (!*meta) return std::nullopt;
        auto decoded = decode_crl_stage(**meta);
        REQUIRE(decoded);
        return decoded;
    }
};

}  // namespace

TEST_CASE("a CRL stage round-trips through its meta value; malformed values are refused",
          "[crl_stages]") {
    auto crl = decode_crl_stage(encode_crl_stage({42, 1700000300}));
    REQUIRE(crl);
    CHECK(crl->crl_number == 42);
    CHECK(crl->published_at == 1700000300);
    CHECK(crl_published_key("r-1") == "crl_published:r-1");
    for (const char* bad : {"", "42", "42 ", " 1700000300", "42 17x", "x 1", "42  1"}) {
        CHECK_FALSE(decode_crl_stage(bad));
    }
}

TEST_CASE("the first CRL to cover a revocation is recorded once, with its seconds since applied",
          "[crl_stages]") {
    Recorded r;
    const auto first = r.db.revoke("0a", "r-first");  // applied at 1700000200
    const auto second = r.db.revoke("0b", "r-second");
    REQUIRE(second > first);

    // A CRL covering only the first request: the second is not recorded.
    r.recorder.record(r.db.issuer, {5, 1700000260}, 0, first);
    auto s1 = r.stage_of("r-first");
    REQUIRE(s1);
    CHECK(s1->crl_number == 5);
    CHECK(s1->published_at == 1700000260);
    CHECK_FALSE(r.stage_of("r-second"));
    CHECK(r.seen["crl_published"] == std::vector<double>{60});

    // The next CRL covers both (as a range told again after a restart would): only the second
    // is new, and the first keeps its first CRL.
    r.recorder.record(r.db.issuer, {6, 1700000500}, 0, second);
    CHECK(r.stage_of("r-first")->crl_number == 5);
    auto s2 = r.stage_of("r-second");
    REQUIRE(s2);
    CHECK(s2->crl_number == 6);
    CHECK(s2->published_at == 1700000500);
    CHECK(r.seen["crl_published"] == std::vector<double>{60, 300});
}

TEST_CASE("another issuer's CRL, registrations and entries outside the range record nothing",
          "[crl_stages]") {
    Recorded r;
    const auto seq = r.db.revoke("0c", "r-other");
    r.recorder.record(r.db.issuer + 1, {5, 1700000260}, 0, seq);     // not its issuer
    r.recorder.record(r.db.issuer, {5, 1700000260}, seq, seq + 10);  // after it
    r.recorder.record(r.db.issuer, {5, 1700000260}, 0, seq - 1);     // its registration only
    CHECK_FALSE(r.stage_of("r-other"));
    CHECK(r.seen.empty());
}
