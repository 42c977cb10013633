// Signs answers for every registered certificate of the CAs that ask for it, ahead of time and
// at a bounded rate, so even a first request is a cache hit. One background thread; each cycle
// walks the index and starts again after half the shortest response validity, so cached
// answers are renewed before they age. Answers are SHA-1 CertIDs with NULL parameters, the
// form OpenSSL, NSS and most stapling servers send; other forms are signed on first request.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "ca/ca_registry.hpp"
#include "ca/ca_registry_holder.hpp"
#include "core/clock.hpp"
#include "core/logger.hpp"
#include "ocsp/ocsp_responder.hpp"
#include "ocsp/response_cache.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::ocsp {

class Presigner {
public:
    // All references must outlive the presigner. `rate` is signatures per second, > 0. Each
    // cycle works on the snapshot of `cas` current when it starts.
    Presigner(std::shared_ptr<const ca::CaRegistryHolder> cas, const storage::RevocationIndex& index,
              const LiveResponder& live, ResponseCache& cache, Logger& logger, double rate);
    Presigner(std::shared_ptr<const ca::CaRegistry> cas, const storage::RevocationIndex& index,
              const LiveResponder& live, ResponseCache& cache, Logger& logger, double rate);
    ~Presigner();  // stop()

    // Starts the thread if any CA has presign set; returns whether it did.
    bool start();
    // The registry was swapped (and the cache cleared): starts a new cycle over the current
    // snapshot at once, starting the thread if a CA presigns now. Thread-safe; no-op after stop().
    void restart();
    void stop();  // idempotent; returns once the thread has ended
    std::uint64_t signed_answers() const { return signed_.load(); }
    // Completed passes over every presigning CA (for tests and logs).
    std::uint64_t cycles() const { return cycles_.load(); }

private:
    void run();
    // Signs every registered certificate of `ca` (of `cas`, the snapshot taken at registry
    // `version`); false when stopped, restarted or the registry was swapped meanwhile.
    bool presign(const std::shared_ptr<const ca::CaRegistry>& cas, const ca::ServedCa& ca,
                 std::uint64_t version);
    // Waits until `until`, stop() or restart(); false when stopped or restarted.
    bool wait_until(std::chrono::steady_clock::time_point until);

    std::shared_ptr<const ca::CaRegistryHolder> cas_;
    const storage::RevocationIndex& index_;
    const LiveResponder& live_;
    ResponseCache& cache_;
    Logger& logger_;
    std::chrono::nanoseconds interval_;  // between signatures
    std::chrono::steady_clock::time_point next_slot_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    bool restarting_ = false;  // restart() asked for a new cycle
    std::atomic<std::uint64_t> signed_{0}, cycles_{0};
    std::thread thread_;
};

}  // namespace tanda::ocsp
