// Tells systemd (sd_notify(3)) where `tanda serve` is in its life: ready, reloading, stopping,
// and alive (the watchdog). Every call is a no-op when NOTIFY_SOCKET is not set.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "core/logger.hpp"

namespace tanda::cli {

class SystemdNotifier {
public:
    // `logger` must outlive the notifier.
    explicit SystemdNotifier(Logger& logger) : logger_(logger) {}
    ~SystemdNotifier();  // stops the watchdog timer
    SystemdNotifier(const SystemdNotifier&) = delete;
    SystemdNotifier& operator=(const SystemdNotifier&) = delete;

    // READY=1 with STATUS=`status`: the service answers requests (also after a reload).
    void ready(const std::string& status);
    // RELOADING=1 with MONOTONIC_USEC= (systemd 253+ Type=notify-reload wants both); follow
    // with ready() once the reload is done or has failed.
    void reloading();
    // STOPPING=1: shutdown began (SIGTERM/SIGINT); the drain may take listen.shutdown_grace.
    void stopping();
    // STATUS=`text`, shown by `systemctl status`.
    void status(const std::string& text);

    // When the service manager asked for a watchdog (WATCHDOG_USEC, and WATCHDOG_PID unset or
    // ours; see sd_watchdog_enabled(3)), sends WATCHDOG=1 every half interval from a timer on
    // `control` — so only while that loop runs — and only when `healthy()` holds at that tick.
    // Returns the ping period, or zero when no watchdog is wanted. Call once, from the thread
    // that will run `control`, before running it. `control` must outlive the notifier; the
    // notifier must be destroyed before `control` is.
    std::chrono::microseconds start_watchdog(boost::asio::io_context& control,
                                             std::function<bool()> healthy);

private:
    struct Watchdog;
    static void schedule(const std::shared_ptr<Watchdog>& watchdog);
    static void tick(Watchdog& watchdog);
    void send(const std::string& state);

    Logger& logger_;
    // Shared with the timer's handler through a weak_ptr: a tick already queued on `control`
    // when the notifier goes finds it gone instead of touching freed memory.
    std::shared_ptr<Watchdog> watchdog_;
};

}  // namespace tanda::cli
