// A watchdog ping timed on a server's control loop: every period, on that loop, `ping` runs
// when `healthy()` holds. A ping thus proves the loop runs, and `healthy` adds what the caller
// knows (the liveness probe's verdict on the I/O threads); a withheld ping lets the service
// manager restart us.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "core/logger.hpp"

namespace tanda::http {

class Watchdog {
public:
    // `control` and `logger` must outlive the watchdog; destroy it before `control`.
    Watchdog(boost::asio::io_context& control, std::chrono::microseconds period,
             std::function<bool()> healthy, std::function<void()> ping, Logger& logger);
    ~Watchdog();  // cancels the timer; a tick already queued finds the watchdog gone
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;

    // Pings once now, then every period from the control loop. Call once, from the thread that
    // runs (or will run) `control`. The first missed ping and the recovery are logged.
    void start();

    struct State;  // internal: shared with the timer's handler through a weak_ptr

private:
    std::shared_ptr<State> state_;
};

}  // namespace tanda::http
