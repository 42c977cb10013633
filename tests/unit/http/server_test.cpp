#include "http/server.hpp"

#include <chrono>
#include <future>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>

using namespace tanda;
namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

namespace {

// Client sockets live on their own context so they may outlive a server.
net::io_context& client_io() {
    static net::io_context io;
    return io;
}

// A server on 127.0.0.1:<ephemeral> run on its own thread for one test.
struct RunningServer {
    Logger logger{LogLevel::error};
    http::Router router;
    std::unique_ptr<http::Server> server;
    std::thread thread;

    explicit RunningServer(http::ListenerOptions o = {}) {
        o.port = 0;
        o.threads = 2;
        router.prefix("/", {http::Verb::get, http::Verb::post},
                      [](const http::Request& req, const http::RequestContext& ctx) {
                          http::Response res{http::Status::ok, req.version()};
                          res.body() = std::string(ctx.path) + ":" + req.body();
                          res.prepare_payload();
                          return res;
                      });
        server = std::make_unique<http::Server>(o, router, logger);
        REQUIRE(server->listen());
        thread = std::thread([this] { server->run(); });
    }
    ~RunningServer() {
        server->stop();
        thread.join();
    }
    tcp::socket connect() {
        tcp::socket s(client_io());
        s.connect({net::ip::make_address("127.0.0.1"), server->port()});
        return s;
    }
};

std::string round_trip(tcp::socket& s, const std::string& raw) {
    net::write(s, net::buffer(raw));
    beast::flat_buffer buf;
    beast::http::response<beast::http::string_body> res;
    beast::http::read(s, buf, res);
    return std::to_string(res.result_int()) + " " + res.body();
}

// Polls the server until `open` connections are open and `idle` of them idle; false after 5 s.
bool settles_at(const http::Server& server, std::size_t open, std::size_t idle) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (server.open_connections() != open || server.idle_connections() != idle) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

// Reads until the peer closes; true when it did within `limit`.
bool closed_within(tcp::socket& s, std::chrono::seconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    s.non_blocking(true);
    char c[512];
    while (std::chrono::steady_clock::now() < deadline) {
        boost::system::error_code ec;
        s.read_some(net::buffer(c), ec);
        if (ec && ec != net::error::would_block) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

// After one new client got in at the cap: the one of `a`, `b` still open when exactly one was
// closed to make room (made blocking again), null otherwise.
tcp::socket* left_after_one_eviction(tcp::socket& a, tcp::socket& b) {
    const bool a_closed = closed_within(a, std::chrono::seconds(2));
    const bool b_closed = closed_within(b, std::chrono::seconds(a_closed ? 0 : 2));
    if (a_closed == b_closed) return nullptr;
    tcp::socket& left = a_closed ? b : a;
    left.non_blocking(false);  // closed_within made it non-blocking
    return &left;
}

// Both inside a request: its line sent, the rest of the header never (a trickling client).
void start_trickling(tcp::socket& a, tcp::socket& b) {
    net::write(a, net::buffer(std::string("GET / HTTP/1.1\r\n")));
    net::write(b, net::buffer(std::string("GET / HTTP/1.1\r\n")));
}

}  // namespace

TEST_CASE("keep-alive serves several requests on one connection", "[server]") {
    RunningServer rs;
    auto s = rs.connect();
    CHECK(round_trip(s, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n") == "200 /a:");
    CHECK(round_trip(s, "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nxyz") == "200 /b:xyz");
}

TEST_CASE("pipelined requests are all answered in order", "[server]") {
    RunningServer rs;
    auto s = rs.connect();
    net::write(s, net::buffer(std::string("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n"
                                          "GET /2 HTTP/1.1\r\nHost: x\r\n\r\n"
                                          "GET /3 HTTP/1.1\r\nHost: x\r\n\r\n")));
    beast::flat_buffer buf;
    for (const char* want : {"/1:", "/2:", "/3:"}) {
        beast::http::response<beast::http::string_body> res;
        beast::http::read(s, buf, res);
        CHECK(res.body() == want);
    }
}

TEST_CASE("limits answer 413, 414 and 431 and close", "[server]") {
    http::ListenerOptions o;
    o.max_body_bytes = 256;
    o.max_uri_bytes = 256;
    o.max_header_bytes = 1024;
    RunningServer rs(o);
    {
        auto s = rs.connect();
        CHECK(round_trip(s, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
                  .rfind("413", 0) == 0);
    }
    {
        auto s = rs.connect();
        CHECK(round_trip(s, "GET /" + std::string(300, 'A') + " HTTP/1.1\r\nHost: x\r\n\r\n")
                  .rfind("414", 0) == 0);
    }
    {
        auto s = rs.connect();
        std::string big = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(2000, 'b') + "\r\n\r\n";
        CHECK(round_trip(s, big).rfind("431", 0) == 0);
        CHECK(closed_within(s, std::chrono::seconds(2)));
    }
    auto s = rs.connect();
    CHECK(round_trip(s, "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n") == "200 /ok:");
}

TEST_CASE("a response larger than the socket buffers arrives whole", "[server]") {
    http::ListenerOptions o;
    o.max_body_bytes = 1 << 20;
    RunningServer rs(o);
    auto s = rs.connect();
    std::string big(300000, ' ');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i * 7 % 26);
    auto raw = "POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(big.size()) +
               "\r\n\r\n" + big;
    CHECK(round_trip(s, raw) == "200 /big:" + big);  // echoed back
}

TEST_CASE("garbage is answered 400", "[server]") {
    RunningServer rs;
    auto s = rs.connect();
    CHECK(round_trip(s, "\x16\x03\x01 not http\r\n\r\n").rfind("400", 0) == 0);
}

TEST_CASE("a client trickling its header is cut off by the header timeout", "[server]") {
    http::ListenerOptions o;
    o.header_timeout = std::chrono::seconds(1);
    o.idle_timeout = std::chrono::seconds(30);
    RunningServer rs(o);
    auto s = rs.connect();
    net::write(s, net::buffer(std::string("GET / HTTP/1.1\r\n")));
    CHECK(closed_within(s, std::chrono::seconds(4)));
}

TEST_CASE("an idle keep-alive connection is closed by the idle timeout", "[server]") {
    http::ListenerOptions o;
    o.idle_timeout = std::chrono::seconds(1);
    RunningServer rs(o);
    auto s = rs.connect();
    CHECK(round_trip(s, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n") == "200 /a:");
    CHECK(closed_within(s, std::chrono::seconds(4)));
}

TEST_CASE("at the cap a new connection takes the place of an idle one", "[server]") {
    http::ListenerOptions o;
    o.max_connections = 2;
    RunningServer rs(o);
    auto a = rs.connect();
    auto b = rs.connect();
    CHECK(round_trip(a, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n") == "200 /a:");
    CHECK(round_trip(b, "GET /b HTTP/1.1\r\nHost: x\r\n\r\n") == "200 /b:");
    // Both wait for their next request: silent connections cannot keep a new client out.
    REQUIRE(settles_at(*rs.server, 2, 2));
    auto c = rs.connect();
    CHECK(round_trip(c, "GET /c HTTP/1.1\r\nHost: x\r\n\r\n") == "200 /c:");
    CHECK(left_after_one_eviction(a, b) != nullptr);  // exactly one made room
    CHECK(round_trip(c, "GET /again HTTP/1.1\r\nHost: x\r\n\r\n") == "200 /again:");
}

TEST_CASE("past the cap with every connection busy, new ones are refused until one ends",
          "[server]") {
    http::ListenerOptions o;
    o.max_connections = 2;
    o.header_timeout = std::chrono::seconds(1);
    o.slow_header_grace = std::chrono::seconds(30);
    RunningServer rs(o);
    auto a = rs.connect();
    auto b = rs.connect();
    start_trickling(a, b);  // within the grace: neither may go
    REQUIRE(settles_at(*rs.server, 2, 0));
    auto c = rs.connect();
    CHECK(closed_within(c, std::chrono::seconds(2)));
    // The header deadline frees both slots; the server then serves again.
    CHECK(closed_within(a, std::chrono::seconds(4)));
    CHECK(closed_within(b, std::chrono::seconds(4)));
    auto d = rs.connect();
    CHECK(round_trip(d, "GET /d HTTP/1.1\r\nHost: x\r\n\r\n") == "200 /d:");
}

TEST_CASE("at the cap a connection stuck in its header past the grace makes room", "[server]") {
    http::ListenerOptions o;
    o.max_connections = 2;
    o.header_timeout = std::chrono::seconds(30);
    o.slow_header_grace = std::chrono::seconds(1);
    RunningServer rs(o);
    auto a = rs.connect();
    auto b = rs.connect();
    start_trickling(a, b);
    REQUIRE(settles_at(*rs.server, 2, 0));
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    // Long before header_timeout, a new client takes the place of one trickling client.
    auto c = rs.connect();
    CHECK(round_trip(c, "GET /c HTTP/1.1\r\nHost: x\r\n\r\n") == "200 /c:");
    tcp::socket* left = left_after_one_eviction(a, b);  // exactly one made room
    REQUIRE(left != nullptr);
    CHECK(round_trip(*left, "Host: x\r\n\r\n") == "200 /:");  // the other may still finish
}

TEST_CASE("stop closes idle connections and returns promptly", "[server]") {
    auto rs = std::make_unique<RunningServer>();
    auto s = rs->connect();
    CHECK(round_trip(s, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n") == "200 /a:");
    auto start = std::chrono::steady_clock::now();
    rs.reset();  // stop() + join
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
    CHECK(closed_within(s, std::chrono::seconds(1)));
}
