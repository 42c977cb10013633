#include "cli/systemd_notifier.hpp"

#include <ctime>

#include <boost/asio/steady_timer.hpp>
#include <systemd/sd-daemon.h>

namespace tanda::cli {

struct SystemdNotifier::Watchdog {
    Watchdog(boost::asio::io_context& control, std::chrono::microseconds period,
             std::function<bool()> healthy, SystemdNotifier& owner)
        : timer(control), period(period), healthy(std::move(healthy)), owner(owner) {}
    boost::asio::steady_timer timer;
    std::chrono::microseconds period;
    std::function<bool()> healthy;
    SystemdNotifier& owner;
    bool was_healthy = true;  // log the first missed ping and the recovery, not every tick
};

// The timer fires on the control loop: a ping proves that loop runs, and `healthy` adds what
// the caller knows (the I/O workers answered). A withheld ping lets systemd restart us.
void SystemdNotifier::schedule(const std::shared_ptr<Watchdog>& w) {
    w->timer.expires_after(w->period);
    w->timer.async_wait([weak = std::weak_ptr(w)](const boost::system::error_code& ec) {
        auto self = weak.lock();
        if (ec || !self) return;
        tick(*self);
        schedule(self);
    });
}

void SystemdNotifier::tick(Watchdog& w) {
    const bool ok = !w.healthy || w.healthy();
    if (ok) w.owner.send("WATCHDOG=1");
    if (ok == w.was_healthy) return;
    w.was_healthy = ok;
    if (ok) {
        w.owner.logger_.info("watchdog pings resumed");
    } else {
        w.owner.logger_.warn("I/O workers did not answer; withholding the watchdog ping");
    }
}

SystemdNotifier::~SystemdNotifier() {
    if (watchdog_) watchdog_->timer.cancel();
}

void SystemdNotifier::send(const std::string& state) {
    // 0: NOTIFY_SOCKET unset (not under systemd), nothing to do. < 0: the socket is gone.
    if (int r = sd_notify(0, state.c_str()); r < 0) {
        logger_.warn("sd_notify failed",
                     {{"state", state.substr(0, state.find('\n'))}, {"errno", std::to_string(-r)}});
    }
}

void SystemdNotifier::ready(const std::string& status_text) {
    send("READY=1\nSTATUS=" + status_text);
}

void SystemdNotifier::reloading() {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    const auto usec = std::uint64_t(now.tv_sec) * 1000000u + std::uint64_t(now.tv_nsec) / 1000u;
    send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec) + "\nSTATUS=reloading");
}

void SystemdNotifier::stopping() { send("STOPPING=1\nSTATUS=draining connections"); }

void SystemdNotifier::status(const std::string& text) { send("STATUS=" + text); }

std::chrono::microseconds SystemdNotifier::start_watchdog(boost::asio::io_context& control,
                                                          std::function<bool()> healthy) {
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::chrono::microseconds(0);
    // Half the interval, as sd_watchdog_enabled(3) recommends: one late tick is not fatal.
    const std::chrono::microseconds period(usec / 2);
    watchdog_ = std::make_shared<Watchdog>(control, period, std::move(healthy), *this);
    send("WATCHDOG=1");
    schedule(watchdog_);
    logger_.info("systemd watchdog", {{"ping_every_ms", std::to_string(period.count() / 1000)}});
    return period;
}

}  // namespace tanda::cli
