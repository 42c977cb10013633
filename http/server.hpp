// An HTTP/1.1 listener, plain or TLS: accepts on one address, runs a session per connection with
// deadlines and size limits, hands each request to a Router, and shuts down gracefully.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/logger.hpp"
#include "core/result.hpp"
#include "http/listener_options.hpp"
#include "http/router.hpp"

namespace boost::asio::ssl {
class context;
}

namespace tanda::http {

class SessionBase;
template <class Stream>
class Session;

// TLS for a listener: the context (http/tls_context.hpp builds it) and what to do with peers.
struct ServerTls {
    std::shared_ptr<boost::asio::ssl::context> context;
    std::chrono::seconds handshake_timeout{10};
    // Fills PeerCertificate::subject / spki_sha256 from its DER, once per connection.
    std::function<void(PeerCertificate&)> describe_peer;
    // Told about every failed handshake (remote "ip:port", reason), after it is logged.
    std::function<void(const std::string& remote, const std::string& reason)> on_failure;
};

class Server {
public:
    // `router` and `logger` must outlive the server.
    Server(ListenerOptions options, const Router& router, Logger& logger);
    // A TLS listener; `tls.context` must be set.
    Server(ListenerOptions options, const Router& router, Logger& logger, ServerTls tls);
    ~Server();

    // Binds and listens; ErrorCode::io with the address when that fails. Call once.
    [[nodiscard]] Result<void> listen();
    // The bound port (useful with port 0). Valid after listen().
    std::uint16_t port() const { return port_; }

    // Runs the I/O threads (options.threads, 0 = cores), each with its own io_context that
    // owns the connections it was given (no locking or strands between requests), plus the
    // calling thread for accepting and control; blocks until stop() completes.
    void run();
    // Thread-safe, idempotent: stop accepting, close idle connections, let in-flight requests
    // finish within options.shutdown_grace, then end run().
    void stop();

    // The control context: accepting, signals, timers. Connections live on the workers'.
    boost::asio::io_context& context() { return ioc_; }
    std::size_t open_connections() const { return open_.load(); }
    // Connections waiting for the first byte of a request; at the cap they make room.
    std::size_t idle_connections() const { return idle_.load(); }
    std::uint64_t handshake_failures() const { return handshake_failures_.load(); }
    bool tls() const { return tls_.context != nullptr; }
    // Liveness probe (the systemd watchdog), called from the control context: true when every
    // worker context ran the no-op the previous call posted to it (true on the first call);
    // then posts a fresh one to each. A worker stuck in a handler makes the next call false.
    bool workers_responsive();

private:
    template <class Stream>
    friend class Session;
    void accept();
    void on_session_start(SessionBase* s, const std::shared_ptr<SessionBase>& self);
    void on_session_end(SessionBase* s);
    bool make_room();
    std::chrono::seconds tls_handshake_timeout() const { return tls_.handshake_timeout; }
    void on_handshake_failure(const std::string& remote, const std::string& reason);
    void describe_peer(PeerCertificate& peer) const;
    void wait_for_drain(std::chrono::steady_clock::time_point deadline);

    ListenerOptions options_;
    const Router& router_;
    Logger& logger_;
    boost::asio::io_context ioc_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer accept_pause_;  // after a failed accept (out of descriptors)
    bool accept_failing_ = false;             // logged once per run of failures
    std::vector<std::unique_ptr<boost::asio::io_context>> workers_;
    std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards_;
    std::size_t next_worker_ = 0;  // round robin, touched only by the accept loop
    std::uint16_t port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<std::size_t> open_{0};
    std::atomic<std::size_t> idle_{0};  // sessions waiting for the first byte of a request
    std::atomic<std::size_t> in_header_{0};  // sessions receiving a request header
    std::mutex sessions_mutex_;
    std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions_;
    ServerTls tls_;  // context null: plain TCP
    std::atomic<std::uint64_t> handshake_failures_{0};
    std::atomic<std::size_t> unanswered_pings_{0};  // see workers_responsive()
};

}  // namespace tanda::http
