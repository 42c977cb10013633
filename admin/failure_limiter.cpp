#include "admin/failure_limiter.hpp"

#include <algorithm>

namespace tanda::admin {

std::string address_of(std::string_view remote) {
    auto colon = remote.rfind(':');
    // IPv4 "a.b.c.d:port" has one colon; IPv6 "x:y::z:port" from Asio has several: strip the
    // last component either way (Asio prints v6 without brackets).
    if (colon == std::string_view::npos) return std::string(remote);
    return std::string(remote.substr(0, colon));
}

bool FailureLimiter::has_room(const std::string& key, TimePoint now) {
    if (states_.size() < max_keys_ || states_.count(key)) return true;
    // Sweeping is O(keys): at most once a second, so a flood of fresh keys costs little.
    if (now < next_sweep_) return false;
    next_sweep_ = now + std::chrono::seconds(1);
    for (auto it = states_.begin(); it != states_.end();) {
        const bool blocked = ends_.count({it->second.blocked_until, it->first}) != 0;
        const bool stale = !blocked && now - it->second.window_start > options_.window;
        it = stale ? states_.erase(it) : std::next(it);
    }
    return states_.size() < max_keys_;
}

bool FailureLimiter::record_failure(const std::string& key, TimePoint now) {
    std::lock_guard lock(mutex_);
    if (!has_room(key, now)) return false;
    State& s = states_[key];
    ++s.total;
    if (ends_.count({s.blocked_until, key})) return false;  // already blocked: nothing starts
    if (s.in_window == 0 || now - s.window_start > options_.window) {
        s.in_window = 0;
        s.window_start = now;
    }
    if (++s.in_window < options_.max_failures) return false;
    s.in_window = 0;
    s.blocked_until = now + options_.block;
    ends_.emplace(s.blocked_until, key);
    return true;
}

long FailureLimiter::blocked_for(const std::string& key, TimePoint now) {
    std::lock_guard lock(mutex_);
    auto it = states_.find(key);
    if (it == states_.end() || it->second.blocked_until <= now ||
        !ends_.count({it->second.blocked_until, key})) {
        return 0;
    }
    auto left = std::chrono::ceil<std::chrono::seconds>(it->second.blocked_until - now);
    return static_cast<long>(left.count());
}

std::vector<std::string> FailureLimiter::take_expired(TimePoint now) {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    while (!ends_.empty() && ends_.begin()->first <= now) {
        out.push_back(ends_.begin()->second);
        ends_.erase(ends_.begin());
    }
    return out;
}

std::vector<BlockInfo> FailureLimiter::blocks(TimePoint now) {
    std::lock_guard lock(mutex_);
    std::vector<BlockInfo> out;
    for (const auto& [until, key] : ends_) {
        if (until <= now) continue;
        auto left = std::chrono::ceil<std::chrono::seconds>(until - now);
        out.push_back({key, states_.at(key).total, static_cast<long>(left.count())});
    }
    return out;
}

bool FailureLimiter::unblock(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto it = states_.find(key);
    if (it == states_.end() || !ends_.erase({it->second.blocked_until, key})) return false;
    states_.erase(it);  // a fresh start: the failures before the block are forgiven too
    return true;
}

std::vector<std::string> FailureLimiter::unblock_all() {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& [until, key] : ends_) {
        out.push_back(key);
        states_.erase(key);
    }
    ends_.clear();
    return out;
}

std::size_t FailureLimiter::tracked_keys() const {
    std::lock_guard lock(mutex_);
    return states_.size();
}

}  // namespace tanda::admin
