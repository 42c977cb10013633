// Which node does a job that only one node may do at a time (signing a CA's CRLs, delivering a
// webhook target's events): a lease per job, kept as a value in a store whose values lapse
// `ttl` after their last write. A holder stops counting itself as the holder at 2/3 of ttl
// after its last renewal, before the value lapses and another node may take it. A lease found
// holding this node's name (this node before a restart) is taken back.
//
// A thread of its own renews the held leases every ttl/3, so a job that runs longer than ttl
// (a CRL of millions of entries) keeps its lease while it works. It stops renewing a job that
// has not asked held() for `silent_limit`: a job stuck that long lets another node take over.
//
// Thread safety: all calls are serialised internally.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include "cluster/lease_store.hpp"
#include "core/logger.hpp"

namespace tanda::cluster {

class PublisherLease {
public:
    static constexpr std::chrono::milliseconds kSilentLimit = std::chrono::minutes(10);

    // `store` must lapse its values after `ttl` and outlive this.
    PublisherLease(LeaseStore& store, std::string node, std::chrono::milliseconds ttl,
                   Logger& logger, std::chrono::milliseconds silent_limit = kSilentLimit);
    ~PublisherLease();  // stops renewing, then release_all()
    PublisherLease(const PublisherLease&) = delete;
    PublisherLease& operator=(const PublisherLease&) = delete;

    // Whether this node holds the lease of `job` now; takes it when nobody holds it. A node
    // that does not hold it asks the store at most every ttl/6, however often it is asked
    // (the webhook outbox asks on every commit).
    bool held(const std::string& job);
    // Gives up every lease held, so that another node takes over at once (graceful stop).
    void release_all();

private:
    using Clock = std::chrono::steady_clock;
    struct Held {
        std::uint64_t revision = 0;  // 0: not held
        Clock::time_point renewed_at;
        Clock::time_point asked_at;                 // the job's last call of held()
        std::string problem;                        // the last failure to take it, logged once
        std::optional<Clock::time_point> tried_at;  // the last attempt to take it
    };
    void note_problem(const std::string& job, const Error& error);
    bool still_valid(const Held& h, Clock::time_point now) const;
    void take(const std::string& job, Held& h, Clock::time_point now);
    void renew_if_due(const std::string& job, Held& h);
    void renew_held(std::stop_token stop);

    LeaseStore& store_;
    const std::string node_;
    const std::chrono::milliseconds ttl_;
    const std::chrono::milliseconds silent_limit_;
    Logger& logger_;
    mutable std::mutex mutex_;
    std::map<std::string, Held> jobs_;
    std::condition_variable_any renew_wake_;
    std::jthread renewer_;  // last: started once the rest exists, stopped first
};

}  // namespace tanda::cluster
