#include "http/session.hpp"

#include <array>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/write.hpp>

#include "http/response_head.hpp"
#include "http/tls_context.hpp"

namespace tanda::http {

namespace beast = boost::beast;
namespace net = boost::asio;

namespace {

std::string remote_of(const net::ip::tcp::socket& socket) {
    boost::system::error_code ec;
    auto remote = socket.remote_endpoint(ec);
    return ec ? std::string() : remote.address().to_string() + ":" + std::to_string(remote.port());
}

// The stream of either kind of session. Both constructors build theirs here, so each compiles for
// both streams: clang 14 instantiates the constructor whose requires-clause is false at the
// `template class Session<...>` below (C++20 skips it) and cannot find kTls in out-of-line
// requires-clauses, hence is_same_v there.
template <class Stream>
Stream open_stream(net::ip::tcp::socket&& socket, net::ssl::context* tls) {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
        return Stream(std::move(socket), *tls);
    } else {
        (void)tls;
        return Stream(std::move(socket));
    }
}

// A response's header and body as one buffer sequence. Not a std::array: Asio's consuming
// buffers for a two-element std::array hand the stream an empty first buffer once the header is
// written, on which Beast's flat_stream (under TLS) writes nothing, and the write ends early.
struct HeadAndBody {
    std::array<net::const_buffer, 2> parts;
    const net::const_buffer* begin() const { return parts.data(); }
    const net::const_buffer* end() const { return parts.data() + parts.size(); }
};

}  // namespace

template <class Stream>
Session<Stream>::Session(net::ip::tcp::socket&& socket, Server& server)
    requires(!std::is_same_v<Stream, TlsStream>)
    : stream_(open_stream<Stream>(std::move(socket), nullptr)), server_(server) {
    remote_address_ = remote_of(tcp().socket());
}

template <class Stream>
Session<Stream>::Session(net::ip::tcp::socket&& socket, Server& server, net::ssl::context& tls)
    requires(std::is_same_v<Stream, TlsStream>)
    : stream_(open_stream<Stream>(std::move(socket), &tls)), server_(server) {
    remote_address_ = remote_of(tcp().socket());
}

template <class Stream>
Session<Stream>::~Session() {
    set_idle(false);
    set_in_header(false);
    if constexpr (kTls) server_.on_handshake_end(this);
    server_.on_session_end(this, handshake_evicted_.load());
}

template <class Stream>
void Session<Stream>::start() {
    // Run on the connection's worker context (the socket was accepted onto one).
    net::dispatch(tcp().get_executor(), [self = this->shared_from_this()] {
        if constexpr (kTls) {
            self->tcp().expires_after(self->server_.tls_handshake_timeout());
            self->stream_.async_handshake(
                net::ssl::stream_base::server,
                [self](beast::error_code ec) { self->on_handshake(ec); });
        } else {
            self->read_request();
        }
    });
}

template <class Stream>
void Session<Stream>::on_handshake(beast::error_code ec) {
    if constexpr (kTls) {
        server_.on_handshake_end(this);
        if (ec) {
            if (!evicting_) server_.on_handshake_failure(remote_address_, ec.message());
            return tcp().close();
        }
        peer_ = read_peer_certificate(stream_.native_handle());
        if (peer_) server_.describe_peer(*peer_);
        read_request();
    }
}

template <class Stream>
void Session<Stream>::close_if_idle() {
    net::dispatch(tcp().get_executor(), [self = this->shared_from_this()] {
        if (!self->idle_) {
            self->evicting_ = false;  // a request came first: it may be evicted another time
            return;
        }
        // An idle TLS connection has a read pending: drop it without close_notify.
        if constexpr (kTls) {
            self->tcp().close();
        } else {
            self->close();
        }
    });
}

template <class Stream>
bool Session<Stream>::evict_if_idle() {
    if (!idle_.load() || evicting_.exchange(true)) return false;
    close_if_idle();
    return true;
}

template <class Stream>
bool Session<Stream>::evict_if_slow(std::chrono::steady_clock::time_point before) {
    const auto since = header_since_.load();
    if (since == 0 || since > before.time_since_epoch().count() || evicting_.exchange(true)) {
        return false;
    }
    net::dispatch(tcp().get_executor(), [self = this->shared_from_this(), since] {
        if (self->header_since_ != since) {
            self->evicting_ = false;  // that header was completed first (a later one may be here)
            return;
        }
        // Ends the pending header read; on_header then closes the connection.
        self->tcp().close();
    });
    return true;
}

template <class Stream>
void Session<Stream>::evict_handshake() {
    evicting_ = true;
    handshake_evicted_ = true;
    net::dispatch(tcp().get_executor(), [self = this->shared_from_this()] { self->tcp().close(); });
}

template <class Stream>
void Session<Stream>::set_in_header(bool in) {
    const auto now = in ? std::chrono::steady_clock::now().time_since_epoch().count() : 0;
    if ((header_since_.exchange(now) != 0) != in) {
        if (in) {
            ++server_.in_header_;
        } else {
            --server_.in_header_;
        }
    }
}

template <class Stream>
void Session<Stream>::set_idle(bool idle) {
    if (idle_.exchange(idle) != idle) {
        if (idle) {
            ++server_.idle_;
        } else {
            --server_.idle_;
        }
    }
}

template <class Stream>
void Session<Stream>::read_request() {
    if (server_.stopping_) return close();
    const auto& o = server_.options_;
    parser_.emplace();
    // The URI is part of the header block; 414 is decided after parsing the request line.
    parser_->header_limit(static_cast<std::uint32_t>(o.max_header_bytes + o.max_uri_bytes));
    parser_->body_limit(o.max_body_bytes);
    if (buffer_.size() > 0) return read_header();  // pipelined bytes already here
    // Idle wait for the first byte, so a slow header cannot hide behind the idle timeout.
    set_idle(true);
    tcp().expires_after(o.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            beast::bind_front_handler(&Session::on_first_bytes,
                                                      this->shared_from_this()));
}

template <class Stream>
void Session<Stream>::on_first_bytes(beast::error_code ec, std::size_t n) {
    set_idle(false);
    if (ec) return close();
    buffer_.commit(n);
    read_header();
}

template <class Stream>
void Session<Stream>::read_header() {
    set_in_header(true);
    tcp().expires_after(server_.options_.header_timeout);
    beast_http::async_read_header(stream_, buffer_, *parser_,
                                  [self = this->shared_from_this()](beast::error_code ec,
                                                                    std::size_t) {
                                      self->on_header(ec);
                                  });
}

template <class Stream>
void Session<Stream>::on_header(beast::error_code ec) {
    set_in_header(false);
    if (ec == beast_http::error::header_limit) {
        return reject(Status::request_header_fields_too_large, "request header too large");
    }
    if (ec == beast_http::error::body_limit) {
        return reject(Status::payload_too_large, "request body too large");
    }
    if (ec == beast::error::timeout || ec == beast_http::error::end_of_stream ||
        ec == net::error::eof || ec == net::error::operation_aborted ||
        ec == net::error::connection_reset || ec == net::ssl::error::stream_truncated) {
        return close();
    }
    if (ec) return reject(Status::bad_request, "malformed HTTP request");
    started_ = std::chrono::steady_clock::now();
    if (parser_->get().target().size() > server_.options_.max_uri_bytes) {
        return reject(Status::uri_too_long, "request URI too long");
    }
    if (parser_->is_done()) return on_body({});
    tcp().expires_after(server_.options_.body_timeout);
    beast_http::async_read(stream_, buffer_, *parser_,
                           [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                               self->on_body(ec);
                           });
}

template <class Stream>
void Session<Stream>::on_body(beast::error_code ec) {
    if (ec == beast_http::error::body_limit) {
        return reject(Status::payload_too_large, "request body too large");
    }
    if (ec == beast::error::timeout || ec == net::error::eof ||
        ec == beast_http::error::end_of_stream || ec == beast_http::error::partial_message ||
        ec == net::ssl::error::stream_truncated) {
        return close();
    }
    if (ec) return reject(Status::bad_request, "malformed HTTP request");
    // The parser keeps the header (the access log reads the method as sent); the body moves.
    take_request(parser_->get(), request_);
    complete_request_ = true;
    RequestContext ctx;
    ctx.remote_address = remote_address_;
    ctx.tls = kTls;
    ctx.peer = peer_;
    // The reply may come from another thread (a signing pool): continue on our context.
    server_.router_.dispatch(
        request_, std::move(ctx), [self = this->shared_from_this()](Response res) {
            net::dispatch(self->tcp().get_executor(), [self, res = std::move(res)]() mutable {
                res.keep_alive(self->request_.keep_alive() && !self->server_.stopping_);
                self->respond(std::move(res));
            });
        });
}

template <class Stream>
void Session<Stream>::reject(Status status, std::string_view message) {
    complete_request_ = false;
    Response res = error_response(Request{Verb::unknown, "", 11}, status, message);
    res.keep_alive(false);
    respond(std::move(res));
}

template <class Stream>
void Session<Stream>::respond(Response&& res) {
    if (server_.options_.access_log && !probe_) log_access(res);
    bool close_after = !res.keep_alive();
    response_.emplace(std::move(res));
    // Header and body in one gather write (response_head.hpp); head_ keeps its capacity.
    render_head(*response_, head_);
    const std::string_view body = response_->body().payload();
    const HeadAndBody buffers{{net::buffer(head_), net::buffer(body.data(), body.size())}};
    tcp().expires_after(server_.options_.write_timeout);
    net::async_write(stream_, buffers,
                     [self = this->shared_from_this(), close_after](beast::error_code ec,
                                                                   std::size_t) {
                         self->on_write(ec, close_after);
                     });
}

template <class Stream>
void Session<Stream>::log_access(const Response& res) const {
    constexpr std::size_t kMaxTarget = 256;  // GET OCSP requests fit; longer ones are cut
    std::string_view method = "-", target = "-";
    if (complete_request_) {
        auto m = parser_->get().method_string();
        method = std::string_view(m.data(), m.size());
        target = request_.target().substr(0, kMaxTarget);
    }
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started_);
    server_.logger_.info("request", {{"remote", remote_address_},
                                     {"method", method},
                                     {"target", target},
                                     {"status", std::to_string(res.result_int())},
                                     {"bytes", std::to_string(res.body().payload_size())},
                                     {"us", std::to_string(us.count())}});
}

template <class Stream>
void Session<Stream>::on_write(beast::error_code ec, bool close_after) {
    response_.reset();
    if (ec || close_after) return close();
    read_request();
}

template <class Stream>
void Session<Stream>::close() {
    if constexpr (kTls) {
        // close_notify under the write deadline; the socket closes when it completes or expires.
        tcp().expires_after(server_.options_.write_timeout);
        stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
            self->tcp().close();
        });
    } else {
        beast::error_code ignored;
        tcp().socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
        tcp().close();
    }
}

template class Session<PlainStream>;
template class Session<TlsStream>;

}  // namespace tanda::http
