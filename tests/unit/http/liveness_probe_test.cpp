#include "http/liveness_probe.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

using namespace tanda;
using namespace std::chrono_literals;

namespace {

// A plain server with /healthz on 127.0.0.1:<ephemeral>, two I/O threads, and a probe with
// short rounds, run on its own thread for one test.
struct ProbedServer {
    Logger logger{LogLevel::error};
    http::Router router;
    std::unique_ptr<http::Server> server;
    std::unique_ptr<http::LivenessProbe> probe;
    std::thread thread;

    explicit ProbedServer(http::LivenessOptions options = {50ms, 300ms}) {
        router.exact("/healthz", {http::Verb::get},
                     [](const http::Request& req, const http::RequestContext&) {
                         http::Response res{http::Status::ok, req.version()};
                         res.body() = "ok\n";
                         res.prepare_payload();
                         return res;
                     });
        http::ListenerOptions o;
        o.port = 0;
        o.threads = 2;
        o.max_connections = 1;  // probes pass the cap
        server = std::make_unique<http::Server>(o, router, logger);
        REQUIRE(server->listen());
        probe = std::make_unique<http::LivenessProbe>(*server, logger, options);
        probe->start();
        thread = std::thread([this] { server->run(); });
    }
    ~ProbedServer() {
        server->stop();
        thread.join();
        probe.reset();
    }
    // problem() after the state it settles in within `within`, polled.
    std::optional<std::string> settled(bool want_problem, std::chrono::milliseconds within) {
        const auto end = std::chrono::steady_clock::now() + within;
        auto p = probe->problem();
        while (p.has_value() != want_problem && std::chrono::steady_clock::now() < end) {
            std::this_thread::sleep_for(20ms);
            p = probe->problem();
        }
        return p;
    }
};

}  // namespace

TEST_CASE("the liveness probe passes while every I/O thread answers", "[liveness]") {
    ProbedServer s;
    std::this_thread::sleep_for(1500ms);  // past every + deadline + 1 s: verdicts from rounds
    CHECK_FALSE(s.probe->problem());
}

TEST_CASE("the liveness probe names an I/O thread that stopped serving", "[liveness]") {
    ProbedServer s;
    REQUIRE_FALSE(s.settled(true, 500ms));
    s.server->stall_worker_for_test(1);
    // Due once no round has passed for every + deadline + 1 s.
    auto problem = s.settled(true, 3s);
    REQUIRE(problem);
    CHECK_THAT(*problem, Catch::Contains("I/O thread 2 of 2: no answer within 300 ms"));
}

TEST_CASE("a round's timer that fired as the server stopped does nothing once the probe is gone",
          "[liveness]") {
    // serve's order: the loop stops, the probe goes, then ~Server drains what was queued. With
    // rounds every millisecond, a fired timer is often still queued (a SIGSEGV before the fix;
    // ASan names the use after free).
    for (int i = 0; i < 100; ++i) {
        ProbedServer s(http::LivenessOptions{1ms, 300ms});
        std::this_thread::sleep_for(10ms);
    }
    SUCCEED("100 stops with rounds in flight");
}
