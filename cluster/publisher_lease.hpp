// Which node does a job that only one node may do at a time (signing a CA's CRLs): a lease per
// job, kept as a value in a key-value bucket whose values lapse `ttl` after their last write.
// The holder renews it every ttl/3. A holder that cannot renew stops counting itself as the
// holder at 2/3 of ttl after its last renewal, before the value lapses and another node may
// take it. A lease found holding this node's name (this node before a restart) is taken back.
//
// Thread safety: all calls are serialised internally.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "cluster/key_value.hpp"
#include "core/logger.hpp"

namespace tanda::cluster {

class PublisherLease {
public:
    // `bucket` must lapse its values after `ttl` and outlive this.
    PublisherLease(KeyValueBucket& bucket, std::string node, std::chrono::milliseconds ttl,
                   Logger& logger);
    ~PublisherLease();  // release_all()

    // Whether this node holds the lease of `job` now; takes it when nobody holds it and renews
    // it when due. A node that does not hold it asks the bucket at most every ttl/6, however
    // often it is asked (the webhook outbox asks on every commit).
    bool held(const std::string& job);
    // Gives up every lease held, so that another node takes over at once (graceful stop).
    void release_all();

private:
    using Clock = std::chrono::steady_clock;
    struct Held {
        std::uint64_t revision = 0;  // 0: not held
        Clock::time_point renewed_at;
        std::string problem;                        // the last failure to take it, logged once
        std::optional<Clock::time_point> tried_at;  // the last attempt to take it
    };
    void note_problem(const std::string& job, const Error& error);
    bool still_valid(const Held& h, Clock::time_point now) const;
    void take(const std::string& job, Held& h, Clock::time_point now);

    KeyValueBucket& bucket_;
    const std::string node_;
    const std::chrono::milliseconds ttl_;
    Logger& logger_;
    mutable std::mutex mutex_;
    std::map<std::string, Held> jobs_;
};

}  // namespace tanda::cluster
