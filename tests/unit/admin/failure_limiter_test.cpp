#include "admin/failure_limiter.hpp"

#include <catch2/catch.hpp>

using namespace tanda::admin;
using std::chrono::seconds;

namespace {

const RateLimitOptions kLimits{3, seconds(60), seconds(300)};
const FailureLimiter::TimePoint kStart{};

}  // namespace

TEST_CASE("max_failures within the window of the first block the key", "[limiter]") {
    FailureLimiter l(kLimits);
    CHECK_FALSE(l.record_failure("k", kStart));
    CHECK_FALSE(l.record_failure("k", kStart + seconds(30)));
    CHECK(l.record_failure("k", kStart + seconds(59)));  // the third starts the block
    CHECK(l.blocked_for("k", kStart + seconds(59)) == 300);
    CHECK_FALSE(l.record_failure("k", kStart + seconds(60)));  // already blocked
    CHECK(l.blocked_for("other", kStart + seconds(60)) == 0);

    // Spread wider than the window, failures start a new count instead.
    CHECK_FALSE(l.record_failure("slow", kStart));
    CHECK_FALSE(l.record_failure("slow", kStart + seconds(30)));
    CHECK_FALSE(l.record_failure("slow", kStart + seconds(61)));
    CHECK(l.blocked_for("slow", kStart + seconds(61)) == 0);
}

TEST_CASE("a block ends after `block` and is reported once", "[limiter]") {
    FailureLimiter l(kLimits);
    for (int i = 0; i < 3; ++i) (void)l.record_failure("k", kStart);
    CHECK(l.take_expired(kStart + seconds(299)).empty());
    CHECK(l.blocks(kStart + seconds(299)).size() == 1);
    CHECK(l.blocked_for("k", kStart + seconds(300)) == 0);
    CHECK(l.blocks(kStart + seconds(300)).empty());
    CHECK(l.take_expired(kStart + seconds(300)) == std::vector<std::string>{"k"});
    CHECK(l.take_expired(kStart + seconds(301)).empty());
    CHECK_FALSE(l.record_failure("k", kStart + seconds(301)));  // counting starts over
}

TEST_CASE("unblock lifts one block and forgets its failures, unblock_all lifts all",
          "[limiter]") {
    FailureLimiter l(kLimits);
    for (int i = 0; i < 3; ++i) {
        (void)l.record_failure("a", kStart);
        (void)l.record_failure("b", kStart + seconds(1));
    }
    CHECK_FALSE(l.unblock("c"));
    CHECK(l.unblock("a"));
    CHECK(l.blocked_for("a", kStart + seconds(2)) == 0);
    CHECK_FALSE(l.record_failure("a", kStart + seconds(2)));  // one failure, not the fourth
    CHECK(l.unblock_all() == std::vector<std::string>{"b"});
    CHECK(l.blocks(kStart + seconds(2)).empty());
    CHECK(l.take_expired(kStart + seconds(1000)).empty());  // lifted blocks do not also expire
}

TEST_CASE("memory is bounded, and a full table never drops a block", "[limiter]") {
    FailureLimiter l(kLimits, 4);
    for (int i = 0; i < 3; ++i) (void)l.record_failure("blocked", kStart);
    for (auto key : {"a", "b", "c"}) (void)l.record_failure(key, kStart);
    CHECK(l.tracked_keys() == 4);
    // Full, every key counting within its window: a new key is not tracked.
    (void)l.record_failure("new", kStart + seconds(1));
    CHECK(l.tracked_keys() == 4);
    // Past the window, stale keys make room; the blocked one stays blocked.
    (void)l.record_failure("new", kStart + seconds(120));
    CHECK(l.tracked_keys() == 2);
    CHECK(l.blocked_for("blocked", kStart + seconds(120)) == 180);
    // A flood of fresh keys cannot push the block out either.
    for (int i = 0; i < 100; ++i) {
        (void)l.record_failure("flood" + std::to_string(i), kStart + seconds(200 + 2 * i));
    }
    CHECK(l.tracked_keys() <= 4);
    CHECK(l.blocked_for("blocked", kStart + seconds(299)) == 1);
}
