// One client connection: read a request under deadlines and limits, route it, write the answer,
// repeat while keep-alive. Internal to http/.
#pragma once

#include <memory>
#include <optional>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "http/router.hpp"
#include "http/server.hpp"

namespace tanda::http {

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(boost::asio::ip::tcp::socket&& socket, Server& server);
    ~Session();
    void start();
    // Closes the connection if it is waiting for a new request (graceful shutdown).
    void close_if_idle();

private:
    void read_request();
    void on_first_bytes(boost::beast::error_code ec, std::size_t n);
    void read_header();
    void on_header(boost::beast::error_code ec);
    void on_body(boost::beast::error_code ec);
    void respond(Response&& res);
    void on_write(boost::beast::error_code ec, bool close);
    // Answers a request we could not read completely, then closes.
    void reject(Status status, std::string_view message);
    void close();

    boost::beast::tcp_stream stream_;
    boost::beast::flat_buffer buffer_;
    std::optional<beast_http::request_parser<beast_http::string_body>> parser_;
    Request request_;  // kept until its (possibly asynchronous) reply is written
    std::optional<Response> response_;
    Server& server_;
    bool idle_ = false;
};

}  // namespace tanda::http
