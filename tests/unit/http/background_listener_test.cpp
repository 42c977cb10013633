#include "http/background_listener.hpp"

#include <chrono>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>

#include "http/listener_metrics.hpp"
#include "tests/support/recording_logger.hpp"

using namespace tanda;
namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using tanda::test::RecordingLogger;

namespace {

http::ListenerOptions loopback_any_port() {
    http::ListenerOptions o;
    o.port = 0;
    o.threads = 1;
    return o;
}

void add_hello(http::Router& router) {
    router.exact("/hello", {http::Verb::get},
                 [](const http::Request& req, const http::RequestContext&) {
                     http::Response res{http::Status::ok, req.version()};
                     res.body() = "hello";
                     res.prepare_payload();
                     return res;
                 });
}

std::string get(net::io_context& io, unsigned short port, const std::string& target) {
    tcp::socket s(io);
    s.connect({net::ip::make_address("127.0.0.1"), port});
    net::write(s, net::buffer("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    beast::flat_buffer buf;
    beast::http::response<beast::http::string_body> res;
    beast::http::read(s, buf, res);
    return std::to_string(res.result_int()) + " " + res.body();
}

bool open_connections_reach(const http::Server& server, std::size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (server.open_connections() != n) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

}  // namespace

TEST_CASE("a background listener serves from its own thread and announces its port",
          "[background]") {
    RecordingLogger logger;
    http::Router router;
    add_hello(router);
    auto options = loopback_any_port();
    http::BackgroundListener listener;
    REQUIRE(listener.start(std::make_unique<http::Server>(options, router, logger), "test",
                           options, logger));
    const auto port = listener.server().port();
    REQUIRE(port != 0);
    CHECK(logger.text().find("msg=\"test listening\" address=127.0.0.1 port=" +
                             std::to_string(port)) != std::string::npos);
    net::io_context io;
    CHECK(get(io, port, "/hello") == "200 hello");  // this thread never runs the server
    listener.stop();
}

TEST_CASE("a background listener that cannot bind names itself and runs nothing",
          "[background]") {
    RecordingLogger logger;
    http::Router router;
    auto options = loopback_any_port();
    http::BackgroundListener first;
    REQUIRE(first.start(std::make_unique<http::Server>(options, router, logger), "first",
                        options, logger));
    options.port = first.server().port();  // taken
    http::BackgroundListener second;
    auto started = second.start(std::make_unique<http::Server>(options, router, logger),
                                "second", options, logger);
    REQUIRE_FALSE(started);
    CHECK(started.error().message.find("second listener") != std::string::npos);
    CHECK(logger.text().find("second listening") == std::string::npos);
}

TEST_CASE("listener metrics read open connections at each scrape", "[background]") {
    Logger logger(LogLevel::error);
    http::Router router;
    add_hello(router);
    auto options = loopback_any_port();
    http::BackgroundListener listener;
    REQUIRE(listener.start(std::make_unique<http::Server>(options, router, logger), "test",
                           options, logger));
    metrics::Registry registry;
    http::add_listener_metrics(registry, {{"public", &listener.server()}});
    CHECK(registry.render().find("tanda_http_open_connections{listener=\"public\"} 0\n") !=
          std::string::npos);

    net::io_context io;
    tcp::socket held(io);
    held.connect({net::ip::make_address("127.0.0.1"), listener.server().port()});
    REQUIRE(open_connections_reach(listener.server(), 1));
    const std::string text = registry.render();
    CHECK(text.find("tanda_http_open_connections{listener=\"public\"} 1\n") != std::string::npos);
    // A plain listener has no TLS handshakes to count.
    CHECK(text.find("tanda_tls_handshake_failures_total{") == std::string::npos);
}
