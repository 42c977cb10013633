// Counts authentication failures per key and blocks a key that fails too often
// (RateLimitOptions): `max_failures` within `window` of the first one block it for `block`.
// Keys are opaque here (the Authenticator makes them: a certificate's SPKI hash, or an address
// for clients without one). Blocks can be listed and lifted; their ends are reported once, so
// they can be logged. Monotonic time is passed in, so tests need no sleeps. Thread-safe.
//
// Memory is bounded: at most `max_keys` keys are tracked, each in a few dozen bytes. When the
// table is full, keys with no block and no failure in the current window are dropped; if none
// is, a new key's failure is not tracked (existing blocks are never dropped to make room, so a
// flood of fresh keys cannot lift a block).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "admin/admin_options.hpp"

namespace tanda::admin {

// A key blocked now, as listed to auditors.
struct BlockInfo {
    std::string key;
    std::uint64_t failures = 0;  // failures counted for the key while tracked
    long seconds_left = 0;       // >= 1
};

class FailureLimiter {
public:
    using TimePoint = std::chrono::steady_clock::time_point;
    static constexpr std::size_t kMaxKeys = 10000;

    explicit FailureLimiter(RateLimitOptions options, std::size_t max_keys = kMaxKeys)
        : options_(options), max_keys_(max_keys) {}

    // Records one failure of `key`; true when this failure started a block.
    bool record_failure(const std::string& key, TimePoint now);
    // Seconds `key` stays blocked (0: not blocked).
    long blocked_for(const std::string& key, TimePoint now);
    // Ends the blocks whose time is up and returns their keys, each once.
    std::vector<std::string> take_expired(TimePoint now);
    // The keys blocked at `now`, the soonest to end first (blocks that ended are left for
    // take_expired).
    std::vector<BlockInfo> blocks(TimePoint now);
    // Lifts the block on `key` and forgets its failures; false when it was not blocked.
    bool unblock(const std::string& key);
    // Lifts every block; returns the keys that were blocked.
    std::vector<std::string> unblock_all();
    std::size_t tracked_keys() const;

private:
    struct State {
        unsigned in_window = 0;      // failures since window_start
        TimePoint window_start{};
        std::uint64_t total = 0;     // every failure counted while tracked
        TimePoint blocked_until{};   // meaningful while the key is in ends_
    };
    bool has_room(const std::string& key, TimePoint now);

    RateLimitOptions options_;
    std::size_t max_keys_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, State> states_;
    std::set<std::pair<TimePoint, std::string>> ends_;  // blocked keys by end of their block
    TimePoint next_sweep_{};  // a full table is swept at most once a second
};

// "203.0.113.5:41000" -> "203.0.113.5"; "[::1]:80" style and bare addresses pass through.
std::string address_of(std::string_view remote);

}  // namespace tanda::admin
