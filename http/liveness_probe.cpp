#include "http/liveness_probe.hpp"

#include <array>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <functional>
#include <vector>

namespace tanda::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr std::string_view kRequest =
    "GET /healthz HTTP/1.1\r\nHost: localhost\r\nUser-Agent: tanda-liveness\r\n"
    "Connection: close\r\n\r\n";
constexpr std::string_view kAnswer = "HTTP/1.1 200";

// Where a client on this machine reaches the listener: a wildcard address means loopback.
tcp::endpoint probe_target(const tcp::endpoint& listening) {
    auto address = listening.address();
    if (address.is_unspecified()) {
        address = address.is_v4() ? net::ip::address(net::ip::address_v4::loopback())
                                  : net::ip::address(net::ip::address_v6::loopback());
    }
    return {address, listening.port()};
}

}  // namespace

// One connection per I/O thread; every handler holds the round, which ends when the last
// connection has answered or failed, or at the deadline.
struct LivenessProbe::Round : std::enable_shared_from_this<LivenessProbe::Round> {
    struct Attempt {
        explicit Attempt(net::io_context& ctx) : socket(ctx) {}
        tcp::socket socket;
        tcp::endpoint local;  // steered to its thread while it is registered
        bool steered = false;
        bool finished = false;
        std::array<char, kAnswer.size()> answer{};
    };

    Round(Server& server, std::size_t threads, std::chrono::milliseconds deadline)
        : server(server), deadline(deadline), timer(server.context()), pending(threads) {
        for (std::size_t i = 0; i < threads; ++i) {
            attempts.push_back(std::make_unique<Attempt>(server.context()));
        }
    }

    void start(const tcp::endpoint& target) {
        timer.expires_after(deadline);
        timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (!ec) self->expire();
        });
        for (std::size_t i = 0; i < attempts.size(); ++i) connect(i, target);
    }

    void connect(std::size_t i, const tcp::endpoint& target) {
        Attempt& a = *attempts[i];
        boost::system::error_code ec;
        a.socket.open(target.protocol(), ec);
        // Bound before connecting, so the server knows the probe by its address.
        if (!ec) a.socket.bind(tcp::endpoint(target.address(), 0), ec);
        if (!ec) a.local = a.socket.local_endpoint(ec);
        if (ec) return finish(i, "cannot open a probe connection: " + ec.message());
        server.steer(a.local, i);
        a.steered = true;
        a.socket.async_connect(target, [self = shared_from_this(), i](boost::system::error_code e) {
            if (e) return self->finish(i, "connect: " + e.message());
            self->send(i);
        });
    }

    void send(std::size_t i) {
        net::async_write(attempts[i]->socket, net::buffer(kRequest),
                         [self = shared_from_this(), i](boost::system::error_code e, std::size_t) {
                             if (e) return self->finish(i, "write: " + e.message());
                             self->receive(i);
                         });
    }

    void receive(std::size_t i) {
        Attempt& a = *attempts[i];
        net::async_read(a.socket, net::buffer(a.answer),
                        [self = shared_from_this(), i](boost::system::error_code e, std::size_t) {
                            if (e) return self->finish(i, "read: " + e.message());
                            const std::string_view got(self->attempts[i]->answer.data(),
                                                       kAnswer.size());
                            self->finish(i, got == kAnswer ? "" : "answered " + std::string(got));
                        });
    }

    void expire() {
        for (std::size_t i = 0; i < attempts.size(); ++i) {
            finish(i, "no answer within " + std::to_string(deadline.count()) + " ms");
        }
    }

    // Records attempt i's outcome once ("" for an answer) and ends the round after the last.
    void finish(std::size_t i, const std::string& error) {
        Attempt& a = *attempts[i];
        if (a.finished) return;
        a.finished = true;
        if (a.steered) server.unsteer(a.local);
        boost::system::error_code ignored;
        a.socket.close(ignored);
        if (!error.empty() && failure.empty()) {
            failure = "I/O thread " + std::to_string(i + 1) + " of " +
                      std::to_string(attempts.size()) + ": " + error;
        }
        if (--pending > 0) return;
        timer.cancel();
        if (done) done(failure);
    }

    Server& server;
    std::chrono::milliseconds deadline;
    net::steady_timer timer;
    std::vector<std::unique_ptr<Attempt>> attempts;
    std::size_t pending;
    std::string failure;  // the first failed thread's, "" while all answered
    std::function<void(const std::string&)> done;
};

LivenessProbe::LivenessProbe(Server& server, Logger& logger, LivenessOptions options)
    : server_(server),
      logger_(logger),
      options_(options),
      next_(server.context()),
      last_ok_(std::chrono::steady_clock::now().time_since_epoch().count()) {}

LivenessProbe::~LivenessProbe() {
    next_.cancel();
    if (auto round = current_.lock()) round->done = nullptr;
}

void LivenessProbe::start() {
    net::post(server_.context(), [this, alive = std::weak_ptr(alive_)] {
        if (!alive.expired()) start_round();
    });
}

void LivenessProbe::start_round() {
    auto round = std::make_shared<Round>(server_, server_.workers(), options_.deadline);
    round->done = [this](const std::string& failure) { finish_round(failure); };
    current_ = round;
    round->start(probe_target(server_.local_endpoint()));
}

void LivenessProbe::finish_round(const std::string& failure) {
    {
        std::lock_guard lock(mutex_);
        if (failure.empty()) {
            last_ok_ = std::chrono::steady_clock::now().time_since_epoch().count();
            if (reported_) logger_.info("I/O threads answer the liveness probe again");
            reported_ = false;
        } else if (!reported_) {
            logger_.error("liveness probe failed", {{"problem", failure}});
            reported_ = true;
        }
        last_failure_ = failure;
    }
    next_.expires_after(options_.every);
    next_.async_wait([this, alive = std::weak_ptr(alive_)](boost::system::error_code ec) {
        if (!ec && !alive.expired()) start_round();
    });
}

std::optional<std::string> LivenessProbe::problem() const {
    using namespace std::chrono;
    const auto last_ok = steady_clock::time_point(steady_clock::duration(last_ok_.load()));
    const auto due = options_.every + options_.deadline + seconds(1);
    if (steady_clock::now() - last_ok <= due) return std::nullopt;
    std::lock_guard lock(mutex_);
    const auto ms = duration_cast<milliseconds>(steady_clock::now() - last_ok).count();
    return "no I/O thread round answered for " + std::to_string(ms) + " ms" +
           (last_failure_.empty() ? std::string(" (a round is still running)")
                                  : "; last failure: " + last_failure_);
}

}  // namespace tanda::http
