#include "http/watchdog.hpp"

#include <atomic>
#include <chrono>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <catch2/catch.hpp>

#include "http/systemd_notifier.hpp"
#include "notify_socket.hpp"
#include "tests/support/recording_logger.hpp"

using namespace tanda;
using namespace std::chrono_literals;
using http::test::NotifySocket;
using tanda::test::RecordingLogger;

namespace {

// A control loop on its own thread for one test.
struct ControlLoop {
    boost::asio::io_context context;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{
        context.get_executor()};
    std::thread thread;
    void run() {
        thread = std::thread([this] { context.run(); });
    }
    ~ControlLoop() {
        context.stop();
        if (thread.joinable()) thread.join();
    }
};

// Receives until a datagram other than WATCHDOG=1 or none within `quiet`: how many pings came.
int pings_until_quiet(NotifySocket& socket, std::chrono::milliseconds quiet) {
    int pings = 0;
    while (auto m = socket.receive(quiet)) {
        if (*m != "WATCHDOG=1") FAIL("unexpected notification: " << *m);
        ++pings;
    }
    return pings;
}

}  // namespace

TEST_CASE("WATCHDOG=1 is sent only while the liveness check passes", "[watchdog]") {
    NotifySocket socket;
    RecordingLogger logger;
    http::SystemdNotifier systemd(logger);
    std::atomic<bool> healthy{true};
    ControlLoop loop;
    {
        http::Watchdog watchdog(loop.context, 20ms, [&] { return healthy.load(); },
                                [&] { systemd.watchdog(); }, logger);
        watchdog.start();  // before the loop runs, as `tanda serve` does
        CHECK(socket.receive(0ms) == "WATCHDOG=1");
        loop.run();
        CHECK(socket.receive(1s) == "WATCHDOG=1");
        CHECK(socket.receive(1s) == "WATCHDOG=1");

        healthy = false;
        pings_until_quiet(socket, 100ms);  // at most a tick already past its check
        CHECK_FALSE(socket.receive(150ms));
        CHECK(logger.text().find("withholding the watchdog ping") != std::string::npos);

        healthy = true;
        CHECK(socket.receive(1s) == "WATCHDOG=1");
        CHECK(logger.text().find("watchdog pings resumed") != std::string::npos);
    }
    // Destroyed: the timer is cancelled. Drop what was sent before, then nothing more comes.
    std::this_thread::sleep_for(30ms);
    while (socket.receive(0ms)) {
    }
    CHECK_FALSE(socket.receive(100ms));
}

TEST_CASE("no ping while the control loop does not run", "[watchdog]") {
    RecordingLogger logger;
    ControlLoop loop;  // never run
    std::atomic<int> pings{0};
    http::Watchdog watchdog(loop.context, 10ms, [] { return true; }, [&] { ++pings; }, logger);
    watchdog.start();
    CHECK(pings == 1);  // the first ping comes from start() itself
    std::this_thread::sleep_for(60ms);
    CHECK(pings == 1);
    loop.run();
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    while (pings < 3 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(5ms);
    }
    CHECK(pings >= 3);
}

TEST_CASE("missed pings and the recovery are logged once each", "[watchdog]") {
    RecordingLogger logger;
    ControlLoop loop;
    std::atomic<int> checks{0};
    std::atomic<int> pings{0};
    // Healthy, then three failing checks, then healthy again.
    auto healthy = [&] {
        const int n = ++checks;
        return n < 3 || n > 5;
    };
    http::Watchdog watchdog(loop.context, 5ms, healthy, [&] { ++pings; }, logger);
    watchdog.start();
    loop.run();
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    while (checks < 8 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(5ms);
    }
    REQUIRE(checks >= 8);
    loop.context.stop();
    loop.thread.join();
    CHECK(pings == 1 + checks - 3);
    auto count = [&](const std::string& text) {
        const std::string all = logger.text();
        int n = 0;
        for (auto at = all.find(text); at != std::string::npos; at = all.find(text, at + 1)) ++n;
        return n;
    };
    CHECK(count("withholding the watchdog ping") == 1);
    CHECK(count("watchdog pings resumed") == 1);
}
