// An HTTP/1.1 listener, plain or TLS: accepts on one address, runs a session per connection with
// deadlines and size limits, hands each request to a Router, and shuts down gracefully.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
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
    // Connections that have not finished the TLS handshake, bounded apart from the others so
    // that silent or slow clients cannot take the slots of authenticated ones: at most
    // max_handshakes in all and max_handshakes_per_source from one address. Past either cap the
    // oldest such connection (from that address, for the per-source cap) is closed for the new
    // one. Such closes are counted (handshakes_evicted()), not reported to on_failure.
    std::size_t max_handshakes = 32;
    std::size_t max_handshakes_per_source = 8;
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
    // Connections closed at accept: at max_connections with none able to make room.
    std::uint64_t connections_refused() const { return refused_.load(); }
    // TLS: connections closed before their handshake ended to make room (ServerTls caps).
    std::uint64_t handshakes_evicted() const { return handshakes_evicted_.load(); }
    bool tls() const { return tls_.context != nullptr; }
    // The I/O threads (workers) that own the connections.
    std::size_t workers() const { return workers_.size(); }
    // The bound address and port. Valid after listen().
    boost::asio::ip::tcp::endpoint local_endpoint() const { return local_; }

    // Liveness probes (http/liveness_probe.hpp), thread-safe: the connection that arrives from
    // `client` goes to worker `worker` instead of the next in turn, even at the connection cap,
    // until unsteer(client).
    void steer(const boost::asio::ip::tcp::endpoint& client, std::size_t worker);
    void unsteer(const boost::asio::ip::tcp::endpoint& client);
    // Tests of the liveness probe and the watchdog only: worker `worker` stops serving (its
    // thread blocks in a handler) until stop().
    void stall_worker_for_test(std::size_t worker);

private:
    template <class Stream>
    friend class Session;
    void accept();
    void start_session(boost::asio::ip::tcp::socket socket, bool probe = false);
    bool take_steered(boost::asio::ip::tcp::socket& socket);
    void on_session_start(SessionBase* s, const std::shared_ptr<SessionBase>& self);
    // `evicted_handshake`: it was counted in closing_ (on_handshake_start).
    void on_session_end(SessionBase* s, bool evicted_handshake);
    // At max_connections: counting open connections less those closing for a handshake cap,
    // or with those, at max_connections + max_handshakes (their descriptors are still open).
    bool over_cap() const;
    bool make_room();
    std::chrono::seconds tls_handshake_timeout() const { return tls_.handshake_timeout; }
    void on_handshake_failure(const std::string& remote, const std::string& reason);
    void on_handshake_start(const std::shared_ptr<SessionBase>& s, std::string address);
    void on_handshake_end(SessionBase* s);
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
    // Of open_, those closed for a new handshake (a handshake cap) whose close has not run yet
    // on their I/O thread: they hold no place under max_connections, or a flood that reopens
    // thousands of handshakes a second would fill the cap with connections already let go.
    std::atomic<std::size_t> closing_{0};
    std::atomic<std::uint64_t> refused_{0};
    std::atomic<std::size_t> idle_{0};  // sessions waiting for the first byte of a request
    std::atomic<std::size_t> in_header_{0};  // sessions receiving a request header
    std::mutex sessions_mutex_;
    std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions_;
    ServerTls tls_;  // context null: plain TCP
    std::atomic<std::uint64_t> handshake_failures_{0};
    // TLS connections whose handshake is under way, oldest first (ServerTls::max_handshakes).
    struct Handshaking {
        SessionBase* session;
        std::weak_ptr<SessionBase> weak;
        std::string address;
    };
    std::mutex handshakes_mutex_;
    std::deque<Handshaking> handshaking_;
    std::atomic<std::uint64_t> handshakes_evicted_{0};
    boost::asio::ip::tcp::endpoint local_;
    std::mutex steered_mutex_;
    std::map<boost::asio::ip::tcp::endpoint, std::size_t> steered_;  // client -> worker
    std::atomic<std::size_t> steered_count_{0};  // steered_.size(), read without the lock
};

}  // namespace tanda::http
