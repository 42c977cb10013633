#include "http/systemd_notifier.hpp"

#include <time.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>

#include "notify_socket.hpp"
#include "tests/support/recording_logger.hpp"

using namespace tanda;
using namespace std::chrono_literals;
using http::test::NotifySocket;
using tanda::test::RecordingLogger;

TEST_CASE("each state reaches NOTIFY_SOCKET as one datagram", "[systemd]") {
    NotifySocket socket;
    RecordingLogger logger;
    http::SystemdNotifier systemd(logger);

    systemd.ready("OCSP on 127.0.0.1:8080, CAs: demo");
    CHECK(socket.receive(1s) == "READY=1\nSTATUS=OCSP on 127.0.0.1:8080, CAs: demo");
    systemd.stopping();
    CHECK(socket.receive(1s) == "STOPPING=1\nSTATUS=draining connections");
    systemd.status("busy");
    CHECK(socket.receive(1s) == "STATUS=busy");
    systemd.watchdog();
    CHECK(socket.receive(1s) == "WATCHDOG=1");
    CHECK(logger.text().empty());
}

TEST_CASE("reloading carries the monotonic time systemd 253 asks for", "[systemd]") {
    NotifySocket socket;
    RecordingLogger logger;
    http::SystemdNotifier systemd(logger);
    timespec before{};
    clock_gettime(CLOCK_MONOTONIC, &before);
    systemd.reloading();
    timespec after{};
    clock_gettime(CLOCK_MONOTONIC, &after);

    auto message = socket.receive(1s);
    REQUIRE(message);
    const std::string head = "RELOADING=1\nMONOTONIC_USEC=";
    const std::string tail = "\nSTATUS=reloading";
    REQUIRE(message->rfind(head, 0) == 0);
    REQUIRE(message->size() > head.size() + tail.size());
    REQUIRE(message->substr(message->size() - tail.size()) == tail);
    const auto usec = std::stoull(message->substr(head.size()));
    CHECK(usec >= std::uint64_t(before.tv_sec) * 1000000u + std::uint64_t(before.tv_nsec) / 1000u);
    CHECK(usec <= std::uint64_t(after.tv_sec) * 1000000u + std::uint64_t(after.tv_nsec) / 1000u);
}

TEST_CASE("a notification socket that is gone is logged, not fatal", "[systemd]") {
    tanda::test::TempDir dir;
    ::setenv("NOTIFY_SOCKET", (dir / "gone").c_str(), 1);
    RecordingLogger logger;
    http::SystemdNotifier(logger).ready("x");
    ::unsetenv("NOTIFY_SOCKET");
    CHECK(logger.text().find("sd_notify failed") != std::string::npos);
    CHECK(logger.text().find("READY=1") != std::string::npos);
}

TEST_CASE("the watchdog period is half of WATCHDOG_USEC, for this process only", "[systemd]") {
    ::unsetenv("WATCHDOG_PID");
    ::unsetenv("WATCHDOG_USEC");
    CHECK(http::SystemdNotifier::watchdog_period().count() == 0);

    ::setenv("WATCHDOG_USEC", "3000000", 1);
    CHECK(http::SystemdNotifier::watchdog_period() == 1500ms);
    ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
    CHECK(http::SystemdNotifier::watchdog_period() == 1500ms);
    ::setenv("WATCHDOG_PID", std::to_string(::getpid() + 1).c_str(), 1);
    CHECK(http::SystemdNotifier::watchdog_period().count() == 0);  // meant for another process
    ::unsetenv("WATCHDOG_PID");
    ::unsetenv("WATCHDOG_USEC");
}
