#include "ocsp/signer_health.hpp"

#include <algorithm>

#include "core/time_format.hpp"

namespace tanda::ocsp {

void SignerHealth::succeeded(const std::string& ca) {
    if (failing_count_.load(std::memory_order_relaxed) == 0) return;
    std::lock_guard lock(mutex_);
    if (failing_.erase(ca) > 0) failing_count_.store(failing_.size(), std::memory_order_relaxed);
}

bool SignerHealth::failed(const std::string& ca, const std::string& error, UnixSeconds now) {
    std::lock_guard lock(mutex_);
    auto [it, first] = failing_.try_emplace(ca, Failing{now, error});
    it->second.error = error;
    failing_count_.store(failing_.size(), std::memory_order_relaxed);
    return first;
}

std::optional<std::string> SignerHealth::problem() const {
    if (failing_count_.load(std::memory_order_relaxed) == 0) return std::nullopt;
    std::lock_guard lock(mutex_);
    if (failing_.empty()) return std::nullopt;
    const auto& [ca, f] = *failing_.begin();
    return "signer of CA " + ca + " failing since " + format_rfc3339(f.since) + ": " + f.error;
}

std::vector<std::string> SignerHealth::due_for_probe(UnixSeconds now, UnixSeconds every) {
    std::vector<std::string> due;
    if (failing_count_.load(std::memory_order_relaxed) == 0) return due;
    std::lock_guard lock(mutex_);
    for (auto& [ca, f] : failing_) {
        if (now - std::max(f.since, f.probed) < every) continue;
        f.probed = now;
        due.push_back(ca);
    }
    return due;
}

}  // namespace tanda::ocsp
