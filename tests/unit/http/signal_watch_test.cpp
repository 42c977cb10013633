#include "http/signal_watch.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <catch2/catch.hpp>

using namespace tanda;
using namespace std::chrono_literals;

namespace {

struct ControlLoop {
    boost::asio::io_context context;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{
        context.get_executor()};
    std::thread thread{[this] { context.run(); }};
    ~ControlLoop() {
        context.stop();
        thread.join();
    }
};

bool wait_for(const std::atomic<int>& value, int wanted) {
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    while (value < wanted && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(2ms);
    }
    return value == wanted;
}

}  // namespace

TEST_CASE("every arrival runs the handler on the control loop", "[signals]") {
    ControlLoop loop;
    std::atomic<int> calls{0};
    std::atomic<int> last{0};
    std::atomic<bool> on_loop{true};
    http::SignalWatch watch(loop.context, {SIGUSR1, SIGUSR2}, http::SignalWatch::Repeat::every,
                            [&](int signo) {
                                if (std::this_thread::get_id() != loop.thread.get_id()) {
                                    on_loop = false;
                                }
                                last = signo;
                                ++calls;
                            });
    ::kill(::getpid(), SIGUSR1);
    REQUIRE(wait_for(calls, 1));
    CHECK(last == SIGUSR1);
    ::kill(::getpid(), SIGUSR2);
    REQUIRE(wait_for(calls, 2));
    CHECK(last == SIGUSR2);
    ::kill(::getpid(), SIGUSR1);
    REQUIRE(wait_for(calls, 3));
    CHECK(on_loop);
}

TEST_CASE("Repeat::once runs the handler for the first arrival only", "[signals]") {
    ControlLoop loop;
    std::atomic<int> calls{0};
    http::SignalWatch watch(loop.context, {SIGUSR1}, http::SignalWatch::Repeat::once,
                            [&](int) { ++calls; });
    ::kill(::getpid(), SIGUSR1);
    REQUIRE(wait_for(calls, 1));
    ::kill(::getpid(), SIGUSR1);  // swallowed: the process lives on
    std::this_thread::sleep_for(50ms);
    CHECK(calls == 1);
}

TEST_CASE("after cancel the handler no longer runs", "[signals]") {
    ControlLoop loop;
    std::atomic<int> calls{0};
    http::SignalWatch watch(loop.context, {SIGUSR1}, http::SignalWatch::Repeat::every,
                            [&](int) { ++calls; });
    ::kill(::getpid(), SIGUSR1);
    REQUIRE(wait_for(calls, 1));
    watch.cancel();
    ::kill(::getpid(), SIGUSR1);
    std::this_thread::sleep_for(50ms);
    CHECK(calls == 1);
}
