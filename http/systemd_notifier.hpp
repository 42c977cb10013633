// Tells systemd (sd_notify(3)) where `tanda serve` is in its life: ready, reloading, stopping,
// and alive (watchdog pings, timed by http/watchdog.hpp). Every call is a no-op when
// NOTIFY_SOCKET is not set. Lives beside the listener whose life it reports; libsystemd is
// linked privately to this library only.
#pragma once

#include <chrono>
#include <string>

#include "core/logger.hpp"

namespace tanda::http {

class SystemdNotifier {
public:
    // `logger` must outlive the notifier. Thread-safe: each call is one datagram.
    explicit SystemdNotifier(Logger& logger) : logger_(logger) {}

    // READY=1 with STATUS=`status`: the service answers requests (also after a reload).
    void ready(const std::string& status);
    // RELOADING=1 with MONOTONIC_USEC= (systemd 253+ Type=notify-reload wants both); follow
    // with ready() once the reload is done or has failed.
    void reloading();
    // STOPPING=1: shutdown began (SIGTERM/SIGINT); the drain may take listen.shutdown_grace.
    void stopping();
    // STATUS=`text`, shown by `systemctl status`.
    void status(const std::string& text);
    // WATCHDOG=1: the service is alive.
    void watchdog();

    // How often to ping: half of WATCHDOG_USEC, as sd_watchdog_enabled(3) recommends (one late
    // ping is not fatal); zero when the service manager wants no watchdog from this process.
    static std::chrono::microseconds watchdog_period();

private:
    void send(const std::string& state);

    Logger& logger_;
};

}  // namespace tanda::http
