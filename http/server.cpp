#include "http/server.hpp"

#include <unistd.h>

#include <algorithm>

#include <boost/asio/steady_timer.hpp>

#include "http/session.hpp"

namespace tanda::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

Server::Server(ListenerOptions options, const Router& router, Logger& logger)
    : options_(std::move(options)),
      router_(router),
      logger_(logger),
      acceptor_(ioc_),
      accept_pause_(ioc_) {
    const unsigned n = options_.threads ? options_.threads
                                        : std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < n; ++i) {
        workers_.push_back(std::make_unique<net::io_context>(1));  // run by one thread
        guards_.push_back(net::make_work_guard(*workers_.back()));
        // Sets the context's reactor up now (an io_uring ring in tanda-io-uring, else the first
        // connection would), so that a refusal shows before the server listens.
        net::steady_timer reactor_now(*workers_.back());
    }
}

Server::Server(ListenerOptions options, const Router& router, Logger& logger, ServerTls tls)
    : Server(std::move(options), router, logger) {
    tls_ = std::move(tls);
}

Server::~Server() {
    // A pending accept on the control context holds a socket of a worker's context: let it
    // complete (aborted) while the workers exist. Then connections still queued on a worker
    // are destroyed with it and report to this server: do that while the server is alive.
    stopping_ = true;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    accept_pause_.cancel();
    ioc_.restart();
    ioc_.poll();
    guards_.clear();
    workers_.clear();
}

Result<void> Server::listen() {
    boost::system::error_code ec;
    auto address = net::ip::make_address(options_.address, ec);
    if (ec) return fail(ErrorCode::invalid_argument, "bad listen address '" + options_.address + "'");
    tcp::endpoint endpoint(address, options_.port);
    const std::string where = options_.address + ":" + std::to_string(options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return fail(ErrorCode::io, "cannot listen on " + where + ": " + ec.message());
    local_ = acceptor_.local_endpoint();
    port_ = local_.port();
    accept();
    return {};
}

void Server::accept() {
    // Each connection lives on one worker's context: its handlers never run concurrently.
    auto& worker = *workers_[next_worker_++ % workers_.size()];
    acceptor_.async_accept(worker.get_executor(), [this](boost::system::error_code ec,
                                                         tcp::socket socket) {
        if (ec == net::error::operation_aborted || stopping_ || !acceptor_.is_open()) return;
        if (ec) {
            // Out of descriptors (EMFILE, ENFILE) or buffers: the pending connection stays in
            // the backlog and accept would fail again at once. Pause instead of spinning (and
            // logging) at 100% CPU; connections that end free descriptors meanwhile.
            if (!accept_failing_) logger_.warn("accept failed, pausing", {{"error", ec.message()}});
            accept_failing_ = true;
            accept_pause_.expires_after(std::chrono::milliseconds(100));
            accept_pause_.async_wait([this](boost::system::error_code wait) {
                if (!wait && !stopping_) accept();
            });
            return;
        }
        if (accept_failing_) {
            logger_.info("accepting again");
            accept_failing_ = false;
        }
        if (take_steered(socket)) {
            start_session(std::move(socket), true);  // a liveness probe, past the cap
        } else if (over_cap() && !make_room()) {
            // Over the cap, every connection busy: refuse at once rather than queue (clients
            // retry elsewhere).
            ++refused_;
            boost::system::error_code ignored;
            socket.close(ignored);
        } else {
            start_session(std::move(socket));
        }
        accept();
    });
}

void Server::start_session(tcp::socket socket, bool probe) {
    if (tls_.context) {
        boost::system::error_code ec;
        std::string address = socket.remote_endpoint(ec).address().to_string();
        auto session =
            std::make_shared<Session<TlsStream>>(std::move(socket), *this, *tls_.context);
        on_session_start(session.get(), session);
        on_handshake_start(session, std::move(address));
        session->start();
    } else {
        auto session = std::make_shared<Session<PlainStream>>(std::move(socket), *this);
        if (probe) session->mark_probe();
        on_session_start(session.get(), session);
        session->start();
    }
}

bool Server::take_steered(tcp::socket& socket) {
    if (steered_count_.load() == 0) return false;  // the common case: no probe under way
    boost::system::error_code ec;
    const auto client = socket.remote_endpoint(ec);
    if (ec) return false;
    std::size_t worker = 0;
    {
        std::lock_guard lock(steered_mutex_);
        auto it = steered_.find(client);
        if (it == steered_.end()) return false;
        worker = it->second;
    }
    // Accepted onto the next worker in turn: move the descriptor to the one asked for.
    const auto protocol = client.protocol();
    const auto fd = socket.release(ec);
    if (ec) return false;
    tcp::socket moved(*workers_[worker]);
    moved.assign(protocol, fd, ec);
    if (ec) {
        ::close(fd);
        return false;
    }
    socket = std::move(moved);
    return true;
}

void Server::steer(const tcp::endpoint& client, std::size_t worker) {
    std::lock_guard lock(steered_mutex_);
    steered_[client] = worker % workers_.size();
    steered_count_ = steered_.size();
}

void Server::unsteer(const tcp::endpoint& client) {
    std::lock_guard lock(steered_mutex_);
    steered_.erase(client);
    steered_count_ = steered_.size();
}

void Server::stall_worker_for_test(std::size_t worker) {
    net::post(*workers_[worker % workers_.size()], [this] {
        while (!stopping_) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    });
}

void Server::on_session_start(SessionBase* s, const std::shared_ptr<SessionBase>& self) {
    ++open_;
    std::lock_guard lock(sessions_mutex_);
    sessions_.emplace(s, self);
}

bool Server::make_room() {
    // Like nginx at worker_connections: a connection waiting for its next request makes room
    // for a new one, so silent connections cannot hold every slot until idle_timeout. Failing
    // that, one stuck inside a request header for slow_header_grace (Apache's mod_reqtimeout
    // keeps a minimum rate for the same reason), so trickled headers cannot hold them until
    // header_timeout. Connections being answered are never closed. The new connection is let
    // in while the evicted one closes (a moment over the cap, by one each).
    const auto slow_before = std::chrono::steady_clock::now() - options_.slow_header_grace;
    const bool any_idle = idle_.load() > 0, any_in_header = in_header_.load() > 0;
    if (!any_idle && !any_in_header) return false;  // a flood of busy connections: no scan
    // Released after the lock: dropping the last reference runs on_session_end, which locks.
    std::vector<std::shared_ptr<SessionBase>> held;
    std::lock_guard lock(sessions_mutex_);
    for (const bool idle_pass : {true, false}) {
        if (idle_pass ? !any_idle : !any_in_header) continue;
        for (auto& [ptr, weak] : sessions_) {
            auto s = weak.lock();
            if (!s) continue;
            const bool evicted = idle_pass ? s->evict_if_idle() : s->evict_if_slow(slow_before);
            held.push_back(std::move(s));
            if (evicted) return true;
        }
    }
    return false;
}

bool Server::over_cap() const {
    // open_ first: a session ending between the loads (closing_, then open_, taken back in
    // on_session_end) can only make the count larger, never let one more in.
    const auto open = open_.load();
    const auto closing = closing_.load();
    const auto holding = open > closing ? open - closing : 0;
    // Closing connections still hold descriptors: while I/O threads lag, at most max_handshakes
    // of them beyond the cap (the descriptor budget counts them: cli/serve_command.cpp).
    const auto ceiling = options_.max_connections + (tls_.context ? tls_.max_handshakes : 0);
    return holding >= options_.max_connections || open >= ceiling;
}

void Server::on_session_end(SessionBase* s, bool evicted_handshake) {
    if (evicted_handshake) --closing_;  // before open_ (see over_cap)
    --open_;
    std::lock_guard lock(sessions_mutex_);
    sessions_.erase(s);
}

void Server::on_handshake_failure(const std::string& remote, const std::string& reason) {
    const auto failures = ++handshake_failures_;
    logger_.warn("TLS handshake failed", {{"remote", remote},
                                          {"error", reason},
                                          {"failures_total", std::to_string(failures)}});
    if (tls_.on_failure) tls_.on_failure(remote, reason);
}

void Server::on_handshake_start(const std::shared_ptr<SessionBase>& s, std::string address) {
    // Silent or slow clients (no ClientHello, a trickled one) hold handshake places only: the
    // oldest gives way to a new connection, first among those from the same address, so one
    // source cannot push out others' handshakes, and authenticated connections keep the rest
    // of max_connections.
    std::vector<std::shared_ptr<SessionBase>> evict;  // closed after the lock
    {
        std::lock_guard lock(handshakes_mutex_);
        const auto same = [&](const Handshaking& h) { return h.address == address; };
        if (std::size_t(std::count_if(handshaking_.begin(), handshaking_.end(), same)) >=
            tls_.max_handshakes_per_source) {
            auto oldest = std::find_if(handshaking_.begin(), handshaking_.end(), same);
            if (oldest != handshaking_.end()) {
                if (auto victim = oldest->weak.lock()) evict.push_back(std::move(victim));
                handshaking_.erase(oldest);
            }
        }
        if (handshaking_.size() >= tls_.max_handshakes && !handshaking_.empty()) {
            if (auto victim = handshaking_.front().weak.lock()) evict.push_back(std::move(victim));
            handshaking_.pop_front();
        }
        handshaking_.push_back({s.get(), s, std::move(address)});
    }
    for (auto& victim : evict) {
        ++handshakes_evicted_;
        ++closing_;  // before the session can end: its end takes it back (on_session_end)
        victim->evict_handshake();
    }
}

void Server::on_handshake_end(SessionBase* s) {
    std::lock_guard lock(handshakes_mutex_);
    auto it = std::find_if(handshaking_.begin(), handshaking_.end(),
                           [s](const Handshaking& h) { return h.session == s; });
    if (it != handshaking_.end()) handshaking_.erase(it);
}

void Server::describe_peer(PeerCertificate& peer) const {
    if (tls_.describe_peer) tls_.describe_peer(peer);
}

void Server::run() {
    std::vector<std::thread> threads;
    for (auto& worker : workers_) threads.emplace_back([&worker] { worker->run(); });
    ioc_.run();
    for (auto& t : threads) t.join();
}

void Server::stop() {
    net::post(ioc_, [this] {
        if (stopping_.exchange(true)) return;
        boost::system::error_code ignored;
        acceptor_.close(ignored);
        accept_pause_.cancel();
        std::vector<std::shared_ptr<SessionBase>> live;
        {
            std::lock_guard lock(sessions_mutex_);
            for (auto& [ptr, weak] : sessions_) {
                if (auto s = weak.lock()) live.push_back(std::move(s));
            }
        }
        for (auto& s : live) s->close_if_idle();
        wait_for_drain(std::chrono::steady_clock::now() + options_.shutdown_grace);
    });
}

void Server::wait_for_drain(std::chrono::steady_clock::time_point deadline) {
    if (open_.load() == 0 || std::chrono::steady_clock::now() >= deadline) {
        if (open_.load() > 0) {
            logger_.warn("shutdown grace over, closing connections",
                         {{"open", std::to_string(open_.load())}});
        }
        ioc_.stop();
        for (auto& guard : guards_) guard.reset();
        for (auto& worker : workers_) worker->stop();
        return;
    }
    auto timer = std::make_shared<net::steady_timer>(ioc_, std::chrono::milliseconds(20));
    timer->async_wait([this, timer, deadline](boost::system::error_code) {
        wait_for_drain(deadline);
    });
}

}  // namespace tanda::http
