#include "http/watchdog.hpp"

#include <boost/asio/steady_timer.hpp>

namespace tanda::http {

struct Watchdog::State {
    State(boost::asio::io_context& control, std::chrono::microseconds period,
          std::function<bool()> healthy, std::function<void()> ping, Logger& logger)
        : timer(control),
          period(period),
          healthy(std::move(healthy)),
          ping(std::move(ping)),
          logger(logger) {}
    boost::asio::steady_timer timer;
    std::chrono::microseconds period;
    std::function<bool()> healthy;
    std::function<void()> ping;
    Logger& logger;
    bool was_healthy = true;  // log the first missed ping and the recovery, not every tick
};

namespace {

void tick(Watchdog::State& w) {
    const bool ok = !w.healthy || w.healthy();
    // The change is logged before the ping it resumes, so whoever sees the ping (systemd, a
    // test) finds the log line already written.
    if (ok != w.was_healthy) {
        w.was_healthy = ok;
        if (ok) {
            w.logger.info("watchdog pings resumed");
        } else {
            w.logger.warn("I/O workers did not answer; withholding the watchdog ping");
        }
    }
    if (ok) w.ping();
}

void schedule(const std::shared_ptr<Watchdog::State>& w) {
    w->timer.expires_after(w->period);
    w->timer.async_wait([weak = std::weak_ptr(w)](const boost::system::error_code& ec) {
        auto self = weak.lock();
        if (ec || !self) return;
        tick(*self);
        schedule(self);
    });
}

}  // namespace

Watchdog::Watchdog(boost::asio::io_context& control, std::chrono::microseconds period,
                   std::function<bool()> healthy, std::function<void()> ping, Logger& logger)
    : state_(std::make_shared<State>(control, period, std::move(healthy), std::move(ping),
                                     logger)) {}

Watchdog::~Watchdog() { state_->timer.cancel(); }

void Watchdog::start() {
    state_->ping();
    schedule(state_);
}

}  // namespace tanda::http
