#include "admin/failure_limiter.hpp"

namespace tanda::admin {

namespace {
constexpr std::size_t kMaxTrackedAddresses = 100000;  // bounded memory under a scan
}

std::string address_of(std::string_view remote) {
    auto colon = remote.rfind(':');
    // IPv4 "a.b.c.d:port" has one colon; IPv6 "x:y::z:port" from Asio has several: strip the
    // last component either way (Asio prints v6 without brackets).
    if (colon == std::string_view::npos) return std::string(remote);
    return std::string(remote.substr(0, colon));
}

void FailureLimiter::forget_old(State& s, TimePoint now) const {
    while (!s.failures.empty() && now - s.failures.front() > options_.window) {
        s.failures.pop_front();
    }
}

bool FailureLimiter::record_failure(const std::string& address, TimePoint now) {
    std::lock_guard lock(mutex_);
    if (by_address_.size() >= kMaxTrackedAddresses && !by_address_.count(address)) {
        by_address_.clear();  // crude but bounded; a real flood is for a firewall
    }
    State& s = by_address_[address];
    forget_old(s, now);
    s.failures.push_back(now);
    if (s.failures.size() >= options_.max_failures) {
        s.blocked_until = now + options_.block;
        s.failures.clear();
    }
    return s.blocked_until > now;
}

long FailureLimiter::blocked_for(const std::string& address, TimePoint now) {
    std::lock_guard lock(mutex_);
    auto it = by_address_.find(address);
    if (it == by_address_.end() || it->second.blocked_until <= now) return 0;
    auto left = std::chrono::ceil<std::chrono::seconds>(it->second.blocked_until - now);
    return static_cast<long>(left.count());
}

}  // namespace tanda::admin
