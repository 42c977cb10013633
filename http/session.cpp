#include "http/session.hpp"

#include <boost/asio/dispatch.hpp>

namespace tanda::http {

namespace beast = boost::beast;
namespace net = boost::asio;

Session::Session(net::ip::tcp::socket&& socket, Server& server)
    : stream_(std::move(socket)), server_(server) {}

Session::~Session() { server_.on_session_end(this); }

void Session::start() {
    // Run on the connection's strand (the socket was accepted onto one).
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_request(); });
}

void Session::close_if_idle() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
        if (self->idle_) self->close();
    });
}

void Session::read_request() {
    if (server_.stopping_) return close();
    const auto& o = server_.options_;
    parser_.emplace();
    // The URI is part of the header block; 414 is decided after parsing the request line.
    parser_->header_limit(static_cast<std::uint32_t>(o.max_header_bytes + o.max_uri_bytes));
    parser_->body_limit(o.max_body_bytes);
    if (buffer_.size() > 0) return read_header();  // pipelined bytes already here
    // Idle wait for the first byte, so a slow header cannot hide behind the idle timeout.
    idle_ = true;
    stream_.expires_after(o.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            beast::bind_front_handler(&Session::on_first_bytes,
                                                      shared_from_this()));
}

void Session::on_first_bytes(beast::error_code ec, std::size_t n) {
    idle_ = false;
    if (ec) return close();
    buffer_.commit(n);
    read_header();
}

void Session::read_header() {
    stream_.expires_after(server_.options_.header_timeout);
    beast_http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
}

void Session::on_header(beast::error_code ec) {
    if (ec == beast_http::error::header_limit) {
        return reject(Status::request_header_fields_too_large, "request header too large");
    }
    if (ec == beast_http::error::body_limit) {
        return reject(Status::payload_too_large, "request body too large");
    }
    if (ec == beast::error::timeout || ec == beast_http::error::end_of_stream ||
        ec == net::error::eof || ec == net::error::operation_aborted ||
        ec == net::error::connection_reset) {
        return close();
    }
    if (ec) return reject(Status::bad_request, "malformed HTTP request");
    if (parser_->get().target().size() > server_.options_.max_uri_bytes) {
        return reject(Status::uri_too_long, "request URI too long");
    }
    if (parser_->is_done()) return on_body({});
    stream_.expires_after(server_.options_.body_timeout);
    beast_http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_body(ec); });
}

void Session::on_body(beast::error_code ec) {
    if (ec == beast_http::error::body_limit) {
        return reject(Status::payload_too_large, "request body too large");
    }
    if (ec == beast::error::timeout || ec == net::error::eof ||
        ec == beast_http::error::end_of_stream || ec == beast_http::error::partial_message) {
        return close();
    }
    if (ec) return reject(Status::bad_request, "malformed HTTP request");
    request_ = parser_->release();
    RequestContext ctx;
    boost::system::error_code ec_remote;
    auto remote = stream_.socket().remote_endpoint(ec_remote);
    if (!ec_remote) {
        ctx.remote_address = remote.address().to_string() + ":" + std::to_string(remote.port());
    }
    // The reply may come from another thread (a signing pool): continue on our strand.
    server_.router_.dispatch(request_, std::move(ctx), [self = shared_from_this()](Response res) {
        net::dispatch(self->stream_.get_executor(), [self, res = std::move(res)]() mutable {
            res.keep_alive(self->request_.keep_alive() && !self->server_.stopping_);
            self->respond(std::move(res));
        });
    });
}

void Session::reject(Status status, std::string_view message) {
    Request dummy;
    dummy.version(11);
    Response res = error_response(dummy, status, message);
    res.keep_alive(false);
    respond(std::move(res));
}

void Session::respond(Response&& res) {
    bool close_after = !res.keep_alive();
    response_.emplace(std::move(res));
    stream_.expires_after(server_.options_.write_timeout);
    beast_http::async_write(stream_, *response_,
                            [self = shared_from_this(), close_after](beast::error_code ec,
                                                                    std::size_t) {
                                self->on_write(ec, close_after);
                            });
}

void Session::on_write(beast::error_code ec, bool close_after) {
    response_.reset();
    if (ec || close_after) return close();
    read_request();
}

void Session::close() {
    beast::error_code ignored;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    stream_.close();
}

}  // namespace tanda::http
