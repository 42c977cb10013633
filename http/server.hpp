// An HTTP/1.1 listener: accepts on one address, runs a session per connection with deadlines
// and size limits, hands each request to a Router, and shuts down gracefully.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "core/logger.hpp"
#include "core/result.hpp"
#include "http/listener_options.hpp"
#include "http/router.hpp"

namespace tanda::http {

class Session;

class Server {
public:
    // `router` and `logger` must outlive the server.
    Server(ListenerOptions options, const Router& router, Logger& logger);
    ~Server();

    // Binds and listens; ErrorCode::io with the address when that fails. Call once.
    [[nodiscard]] Result<void> listen();
    // The bound port (useful with port 0). Valid after listen().
    std::uint16_t port() const { return port_; }

    // Runs the I/O threads (options.threads, 0 = cores) and blocks until stop() completes.
    void run();
    // Thread-safe, idempotent: stop accepting, close idle connections, let in-flight requests
    // finish within options.shutdown_grace, then end run().
    void stop();

    boost::asio::io_context& context() { return ioc_; }
    std::size_t open_connections() const { return open_.load(); }

private:
    friend class Session;
    void accept();
    void on_session_start(Session* s, const std::shared_ptr<Session>& self);
    void on_session_end(Session* s);
    void wait_for_drain(std::chrono::steady_clock::time_point deadline);

    ListenerOptions options_;
    const Router& router_;
    Logger& logger_;
    boost::asio::io_context ioc_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<std::size_t> open_{0};
    std::mutex sessions_mutex_;
    std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;
};

}  // namespace tanda::http
