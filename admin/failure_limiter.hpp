// Counts authentication failures per client address and blocks an address that fails too
// often (RateLimitOptions). Monotonic time is passed in, so tests need no sleeps. Thread-safe.
#pragma once

#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "admin/admin_options.hpp"

namespace tanda::admin {

class FailureLimiter {
public:
    using TimePoint = std::chrono::steady_clock::time_point;

    explicit FailureLimiter(RateLimitOptions options) : options_(options) {}

    // Records one failure of `address`; true when it is now blocked.
    bool record_failure(const std::string& address, TimePoint now);
    // Seconds the address stays blocked (0: not blocked).
    long blocked_for(const std::string& address, TimePoint now);

private:
    struct State {
        std::deque<TimePoint> failures;  // within the window
        TimePoint blocked_until{};
    };
    void forget_old(State& s, TimePoint now) const;

    RateLimitOptions options_;
    std::mutex mutex_;
    std::unordered_map<std::string, State> by_address_;
};

// "203.0.113.5:41000" -> "203.0.113.5"; "[::1]:80" style and bare addresses pass through.
std::string address_of(std::string_view remote);

}  // namespace tanda::admin
