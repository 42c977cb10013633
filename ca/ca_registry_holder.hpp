// The served CAs as the request path sees them: one immutable CaRegistry snapshot that a reload
// replaces whole. Readers take a snapshot once per request, so one answer is never built from
// two registries (one signer, one set of policies), and an old snapshot lives on for as long
// as a request that took it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

#include "ca/ca_registry.hpp"

namespace tanda::ca {

class CaRegistryHolder {
public:
    // `initial` must not be null and must be bound to storage (bind_storage).
    explicit CaRegistryHolder(std::shared_ptr<const CaRegistry> initial)
        : current_(std::move(initial)) {}

    // The current registry, never null. Thread-safe, lock-free for readers of the snapshot.
    std::shared_ptr<const CaRegistry> snapshot() const { return current_.load(); }
    // Makes `next` (not null, bound to storage) current and returns the previous one. Requests
    // that took a snapshot before keep using theirs; later snapshots see `next`. Thread-safe.
    std::shared_ptr<const CaRegistry> swap(std::shared_ptr<const CaRegistry> next) {
        auto previous = current_.exchange(std::move(next));
        version_.fetch_add(1);
        return previous;
    }
    // Incremented by every swap (0 for the initial registry).
    std::uint64_t version() const { return version_.load(); }

private:
    std::atomic<std::shared_ptr<const CaRegistry>> current_;
    std::atomic<std::uint64_t> version_{0};
};

// How readers that outlive a reload (metrics, readiness, CRL publishing) get the current CAs.
using CaSnapshot = std::function<std::shared_ptr<const CaRegistry>()>;

}  // namespace tanda::ca
