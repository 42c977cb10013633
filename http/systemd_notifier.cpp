#include "http/systemd_notifier.hpp"

#include <systemd/sd-daemon.h>

#include <cstdint>
#include <ctime>

namespace tanda::http {

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

void SystemdNotifier::watchdog() { send("WATCHDOG=1"); }

std::chrono::microseconds SystemdNotifier::watchdog_period() {
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::chrono::microseconds(0);
    return std::chrono::microseconds(usec / 2);
}

}  // namespace tanda::http
