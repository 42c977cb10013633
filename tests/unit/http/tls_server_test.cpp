#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>
#include <functional>
#include <thread>

#include "http/server.hpp"
#include "http/tls_client.hpp"
#include "http/tls_context.hpp"
#include "pki/certificate.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_ca.hpp"

using namespace tanda;
namespace net = boost::asio;

namespace {

void write_pem(const std::filesystem::path& path, const std::string& text) {
    test::must(pki::write_file_atomic(path.string(), text, 0600));
}

// A server CA with a TLS server certificate and a client CA with one client, as PEM files.
struct TlsFiles {
    test::TempDir dir{"tanda-tls"};
    test::TestCa server_ca{pki::KeyType::ec_p256, "CN=Server CA,O=Tanda Test,C=ID"};
    test::TestCa client_ca{pki::KeyType::ec_p256, "CN=Client CA,O=Tanda Test,C=ID"};
    test::TestCa stranger_ca{pki::KeyType::ec_p256, "CN=Stranger CA,O=Tanda Test,C=ID"};

    TlsFiles() {
        auto server = server_ca.issue("CN=localhost,O=Tanda Test,C=ID", pki::Profile::tls_server);
        write_pem(dir / "server.pem", server.cert.pem());
        write_pem(dir / "server.key", server.key.pem());
        write_pem(dir / "server-ca.pem", server_ca.cert().pem());
        write_pem(dir / "client-ca.pem", client_ca.cert().pem());
        auto client = client_ca.issue("CN=Operator One,O=Tanda Test,C=ID");
        write_pem(dir / "client.pem", client.cert.pem());
        write_pem(dir / "client.key", client.key.pem());
        auto stranger = stranger_ca.issue("CN=Stranger,O=Tanda Test,C=ID");
        write_pem(dir / "stranger.pem", stranger.cert.pem());
        write_pem(dir / "stranger.key", stranger.key.pem());
    }
    std::string path(const char* name) const { return (dir / name).string(); }
};

// Larger than a TLS record and than Beast's 16 KiB flattening limit, with no repeating period.
std::string big_body() {
    std::string body(100000, ' ');
    for (std::size_t i = 0; i < body.size(); ++i) {
        body[i] = static_cast<char>('a' + (i * 7 + i / 26) % 26);
    }
    return body;
}

// Echoes what the listener knows about the peer: "none", or "verified:<subject>" /
// "rejected:<error>".
struct RunningTlsServer {
    Logger logger{LogLevel::error};
    http::Router router;
    std::unique_ptr<http::Server> server;
    std::thread thread;
    std::atomic<int> failures{0};

    // `tune` may change the listener's options and its TLS limits before it starts.
    explicit RunningTlsServer(
        const TlsFiles& files,
        const std::function<void(http::ListenerOptions&, http::ServerTls&)>& tune = {}) {
        router.prefix("/", {http::Verb::get},
                      [](const http::Request& req, const http::RequestContext& ctx) {
                          http::Response res{http::Status::ok, req.version()};
                          if (req.target() == "/big") {
                              res.body() = big_body();
                          } else if (!ctx.peer) {
                              res.body() = "none";
                          } else if (ctx.peer->verified) {
                              res.body() = "verified:" + ctx.peer->subject;
                          } else {
                              res.body() = "rejected:" + ctx.peer->error;
                          }
                          res.prepare_payload();
                          return res;
                      });
        http::ListenerOptions o;
        o.port = 0;
        o.threads = 2;
        http::ServerTls tls;
        tls.context = test::must(http::make_server_tls_context(
            {files.path("server.pem"), files.path("server.key"), files.path("client-ca.pem")}));
        tls.handshake_timeout = std::chrono::seconds(1);
        tls.describe_peer = [](http::PeerCertificate& peer) {
            peer.subject = test::must(pki::Certificate::from_der(peer.der)).subject();
        };
        tls.on_failure = [this](const std::string&, const std::string&) { ++failures; };
        if (tune) tune(o, tls);
        server = std::make_unique<http::Server>(o, router, logger, std::move(tls));
        REQUIRE(server->listen());
        thread = std::thread([this] { server->run(); });
    }
    ~RunningTlsServer() {
        server->stop();
        thread.join();
    }
    Result<http::Response> get(const http::TlsClientFiles& client,
                               const char* target = "/peer") const {
        auto c = http::TlsClient::create(client);
        if (!c) return tl::unexpected(c.error());
        http::Request req{http::Verb::get, target, 11};
        return c->send("127.0.0.1", std::to_string(server->port()), req, std::chrono::seconds(5));
    }
};

}  // namespace

TEST_CASE("TLS listener reports a verified client certificate to handlers", "[tls]") {
    TlsFiles files;
    RunningTlsServer rs(files);
    auto res = rs.get({files.path("server-ca.pem"), files.path("client.pem"),
                       files.path("client.key")});
    REQUIRE(res);
    CHECK(res->body() == "verified:CN=Operator One,O=Tanda Test,C=ID");
}

TEST_CASE("TLS listener writes a body larger than a TLS record whole", "[tls]") {
    TlsFiles files;
    RunningTlsServer rs(files);
    auto res = rs.get({files.path("server-ca.pem"), files.path("client.pem"),
                       files.path("client.key")}, "/big");
    INFO((res ? std::string() : res.error().message));
    REQUIRE(res);
    CHECK(res->body() == big_body());
}

TEST_CASE("TLS client fails an answer longer than its body limit", "[tls]") {
    TlsFiles files;
    RunningTlsServer rs(files);
    auto c = http::TlsClient::create({files.path("server-ca.pem"), "", ""});
    REQUIRE(c);
    const std::string port = std::to_string(rs.server->port());
    http::Request req{http::Verb::get, "/big", 11};
    auto cut = c->send("127.0.0.1", port, req, std::chrono::seconds(5), big_body().size() - 1);
    REQUIRE_FALSE(cut);
    CHECK_THAT(cut.error().message, Catch::Contains("read response"));
    auto whole = c->send("127.0.0.1", port, req, std::chrono::seconds(5), big_body().size());
    REQUIRE(whole);
    CHECK(whole->body().size() == big_body().size());
}

TEST_CASE("TLS listener completes the handshake without or with a foreign certificate",
          "[tls]") {
    TlsFiles files;
    RunningTlsServer rs(files);
    auto none = rs.get({files.path("server-ca.pem"), "", ""});
    REQUIRE(none);
    CHECK(none->body() == "none");
    auto stranger = rs.get({files.path("server-ca.pem"), files.path("stranger.pem"),
                            files.path("stranger.key")});
    REQUIRE(stranger);
    INFO(stranger->body());
    CHECK(stranger->body().rfind("rejected:unable to", 0) == 0);
}

TEST_CASE("TLS client refuses a server its CA bundle did not issue", "[tls]") {
    TlsFiles files;
    RunningTlsServer rs(files);
    auto res = rs.get({files.path("client-ca.pem"), files.path("client.pem"),
                       files.path("client.key")});
    REQUIRE_FALSE(res);
    CHECK(res.error().message.find("TLS handshake") != std::string::npos);
}

TEST_CASE("plain HTTP on a TLS listener is a counted handshake failure", "[tls]") {
    TlsFiles files;
    RunningTlsServer rs(files);
    net::io_context io;
    net::ip::tcp::socket s(io);
    s.connect({net::ip::make_address("127.0.0.1"), rs.server->port()});
    net::write(s, net::buffer(std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\n")));
    char c[256];
    boost::system::error_code ec;
    while (!ec) s.read_some(net::buffer(c), ec);  // the server closes
    for (int i = 0; i < 100 && rs.failures.load() == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK(rs.failures.load() == 1);
    CHECK(rs.server->handshake_failures() == 1);
}

TEST_CASE("a client that never starts the handshake is cut off by its deadline", "[tls]") {
    TlsFiles files;
    RunningTlsServer rs(files);
    net::io_context io;
    net::ip::tcp::socket s(io);
    s.connect({net::ip::make_address("127.0.0.1"), rs.server->port()});
    const auto start = std::chrono::steady_clock::now();
    char c[16];
    boost::system::error_code ec;
    s.read_some(net::buffer(c), ec);  // blocks until the server gives up
    CHECK(ec);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}

TEST_CASE("contexts name the file they cannot load", "[tls]") {
    TlsFiles files;
    auto ctx = http::make_server_tls_context(
        {files.path("missing.pem"), files.path("server.key"), ""});
    REQUIRE_FALSE(ctx);
    CHECK(ctx.error().code == ErrorCode::config);
    CHECK(ctx.error().message.find("missing.pem") != std::string::npos);
    auto mismatch = http::make_server_tls_context(
        {files.path("server.pem"), files.path("client.key"), ""});
    REQUIRE_FALSE(mismatch);
    INFO(mismatch.error().message);
    CHECK(mismatch.error().message.find("client.key") != std::string::npos);
}

TEST_CASE("connections closed for a new handshake hold no place while their close waits", "[tls]") {
    // One I/O thread, stalled: the closes of evicted handshakes queue on it and never run, as
    // they lag under a flood that reopens thousands of handshakes a second. With at most 2
    // handshakes from one address, each new connection evicts an older one; 30 connections
    // then leave 2 holding places under a cap of 10. Counting the evicted ones as places
    // refused the 11th connection onwards at accept, operators' included.
    TlsFiles files;
    RunningTlsServer rs(files, [](http::ListenerOptions& o, http::ServerTls& tls) {
        o.threads = 1;
        o.max_connections = 10;
        o.shutdown_grace = std::chrono::seconds(1);
        tls.max_handshakes_per_source = 2;
    });
    rs.server->stall_worker_for_test(0);
    net::io_context io;
    std::vector<net::ip::tcp::socket> clients;
    for (int i = 0; i < 30; ++i) {
        clients.emplace_back(io).connect({net::ip::make_address("127.0.0.1"), rs.server->port()});
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (rs.server->open_connections() + rs.server->connections_refused() < 30 &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK(rs.server->connections_refused() == 0);
    CHECK(rs.server->open_connections() == 30);  // 28 of them closing on the stalled thread
    CHECK(rs.server->handshakes_evicted() == 28);
    // Their descriptors are still open, though: no more than max_handshakes (32) beyond the
    // cap, so 42 in all, however long the I/O thread lags.
    for (int i = 0; i < 20; ++i) {
        clients.emplace_back(io).connect({net::ip::make_address("127.0.0.1"), rs.server->port()});
    }
    while (rs.server->open_connections() + rs.server->connections_refused() < 50 &&
           std::chrono::steady_clock::now() < deadline + std::chrono::seconds(5)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK(rs.server->open_connections() == 42);
    CHECK(rs.server->connections_refused() == 8);
}
