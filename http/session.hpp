// One client connection: read a request under deadlines and limits, route it, write the answer,
// repeat while keep-alive. One template for plain TCP and TLS streams, so the request loop exists
// once; the TLS variant adds a handshake under a deadline and the verified peer. Internal to http/.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "http/beast_message.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

namespace tanda::http {

using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// What the server needs of any session for a graceful stop.
class SessionBase {
public:
    virtual ~SessionBase() = default;
    // Closes the connection if it is waiting for a new request (graceful shutdown).
    virtual void close_if_idle() = 0;
    // At the connection cap (any thread): when the connection waits for the first byte of a
    // request and was not claimed before, claims it and closes it soon (as close_if_idle);
    // false when it is busy or already claimed.
    virtual bool evict_if_idle() = 0;
    // At the cap: the same for a connection that started sending its current request header
    // before `before` and has not finished it (a slowloris client, or a very slow one).
    virtual bool evict_if_slow(std::chrono::steady_clock::time_point before) = 0;
    // TLS, at a handshake cap (Server::on_handshake_start): closes the connection whose
    // handshake has not ended; the failure it causes is not reported as a handshake failure.
    virtual void evict_handshake() = 0;
};

template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
public:
    static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

    Session(boost::asio::ip::tcp::socket&& socket, Server& server)
        requires(!std::is_same_v<Stream, TlsStream>);
    Session(boost::asio::ip::tcp::socket&& socket, Server& server, boost::asio::ssl::context& tls)
        requires(std::is_same_v<Stream, TlsStream>);
    ~Session() override;
    void start();
    void close_if_idle() override;
    bool evict_if_idle() override;
    bool evict_if_slow(std::chrono::steady_clock::time_point before) override;
    void evict_handshake() override;
    // A liveness probe's connection (Server::steer): not in the access log.
    void mark_probe() { probe_ = true; }

private:
    void on_handshake(boost::beast::error_code ec);
    void read_request();
    void on_first_bytes(boost::beast::error_code ec, std::size_t n);
    void read_header();
    void on_header(boost::beast::error_code ec);
    void on_body(boost::beast::error_code ec);
    void respond(Response&& res);
    void log_access(const Response& res) const;
    void on_write(boost::beast::error_code ec, bool close);
    // Answers a request we could not read completely, then closes.
    void reject(Status status, std::string_view message);
    void close();
    void set_idle(bool idle);  // also counts idle connections in the server
    void set_in_header(bool in);  // header_since_, and the server's count of such sessions
    boost::beast::tcp_stream& tcp() { return boost::beast::get_lowest_layer(stream_); }

    Stream stream_;
    boost::beast::flat_buffer buffer_;
    std::optional<beast_http::request_parser<beast_http::string_body>> parser_;
    // The parsed request as handlers see it, kept until its (possibly asynchronous) reply is
    // written; reused from request to request, so its storage is allocated once per connection.
    Request request_;
    std::optional<Response> response_;  // kept until written: its body is sent from it
    std::string head_;                   // response_'s rendered status line and fields
    Server& server_;
    std::string remote_address_;
    std::optional<PeerCertificate> peer_;  // TLS: the client's certificate, if it sent one
    std::atomic<bool> idle_{false};      // written on the connection's context only
    std::atomic<bool> evicting_{false};  // claimed by evict_if_idle or evict_if_slow
    std::atomic<bool> handshake_evicted_{false};  // evict_handshake ran: counted as closing
    // When the current request's header began (steady_clock ticks), 0 outside a header.
    std::atomic<std::chrono::steady_clock::rep> header_since_{0};
    bool probe_ = false;
    bool complete_request_ = false;  // request_ is the request being answered (access log)
    std::chrono::steady_clock::time_point started_;  // its header was complete
};

}  // namespace tanda::http
