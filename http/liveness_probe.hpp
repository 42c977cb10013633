// Liveness of a plain listener, checked the way clients use it: every round, one loopback
// connection per I/O thread, steered to that thread (Server::steer), must get an HTTP answer to
// GET /healthz within a deadline. A thread that cannot accept, read or write fails its probe,
// whatever else it still runs; the systemd watchdog and /readyz read the verdict.
#pragma once

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/logger.hpp"
#include "http/server.hpp"

namespace tanda::http {

struct LivenessOptions {
    std::chrono::milliseconds every{1000};     // a round starts this long after the last ended
    std::chrono::milliseconds deadline{3000};  // for every thread's answer in a round
};

class LivenessProbe {
public:
    // `server` (listening, plain TCP) and `logger` must outlive the probe. Rounds run on
    // server.context(), so a stuck control loop also shows as a stale verdict.
    LivenessProbe(Server& server, Logger& logger, LivenessOptions options = {});
    ~LivenessProbe();
    LivenessProbe(const LivenessProbe&) = delete;
    LivenessProbe& operator=(const LivenessProbe&) = delete;

    // Starts the first round now. Call once, before or while server.context() runs.
    void start();
    // Thread-safe. nullopt when a round answered on every I/O thread within the last
    // every + deadline (plus a second of slack); else what failed, e.g. "I/O thread 1 of 2:
    // no answer within 3000 ms". Healthy from construction until the first verdict is due.
    [[nodiscard]] std::optional<std::string> problem() const;

    struct Round;  // internal: one round's connections, shared by their handlers

private:
    void start_round();
    void finish_round(const std::string& failure);

    Server& server_;
    Logger& logger_;
    LivenessOptions options_;
    boost::asio::steady_timer next_;
    std::weak_ptr<Round> current_;
    std::atomic<std::chrono::steady_clock::rep> last_ok_;  // time_since_epoch of the last pass
    mutable std::mutex mutex_;
    std::string last_failure_;  // "" after a pass
    bool reported_ = false;     // the current failure was logged
    // Handlers on server.context() outlive the probe when its timer fired but the loop stopped
    // before running them: ~Server drains them later (a SIGSEGV at stop, 1 run in ~40). They
    // hold this weakly and do nothing once it is gone. Both run on the control loop's thread.
    std::shared_ptr<const bool> alive_ = std::make_shared<const bool>(true);
};

}  // namespace tanda::http
