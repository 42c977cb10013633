#include "http/tls_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "http/beast_message.hpp"

namespace tanda::http {

namespace beast = boost::beast;
namespace net = boost::asio;

namespace {

using Stream = beast::ssl_stream<beast::tcp_stream>;

bool is_ip_literal(const std::string& host) {
    boost::system::error_code ec;
    net::ip::make_address(host, ec);
    return !ec;
}

// Each step records what it was doing, so a failure names it.
net::awaitable<void> exchange(Stream& stream, const std::string& host, const std::string& port,
                              BeastRequest& req, BeastResponse& res, std::string& step,
                              std::chrono::seconds timeout, std::size_t max_response_bytes) {
    auto executor = co_await net::this_coro::executor;
    net::ip::tcp::resolver resolver(executor);
    step = "resolve " + host;
    auto endpoints = co_await resolver.async_resolve(host, port, net::use_awaitable);
    auto& tcp = beast::get_lowest_layer(stream);
    tcp.expires_after(timeout);
    step = "connect to " + host + ":" + port;
    co_await tcp.async_connect(endpoints, net::use_awaitable);
    step = "TLS handshake with " + host + ":" + port;
    co_await stream.async_handshake(net::ssl::stream_base::client, net::use_awaitable);
    step = "send request";
    co_await beast_http::async_write(stream, req, net::use_awaitable);
    step = "read response";
    beast::flat_buffer buffer;
    // A parser of our own so the body limit is ours: a peer that answers without end (a
    // webhook receiver is anyone's server) fails the read instead of filling memory.
    beast_http::response_parser<beast_http::string_body> parser;
    parser.body_limit(max_response_bytes);
    co_await beast_http::async_read(stream, buffer, parser, net::use_awaitable);
    res = parser.release();
    step.clear();
    beast::error_code ignored;
    tcp.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
}

}  // namespace

Result<TlsClient> TlsClient::create(const TlsClientFiles& files) {
    auto ctx = make_client_tls_context(files);
    if (!ctx) return tl::unexpected(ctx.error());
    return TlsClient(std::move(*ctx));
}

Result<Response> TlsClient::send(const std::string& host, const std::string& port,
                                 const Request& req, std::chrono::seconds timeout,
                                 std::size_t max_response_bytes) const {
    net::io_context ioc;
    Stream stream(ioc, *ctx_);
    if (!is_ip_literal(host) &&
        SSL_set_tlsext_host_name(stream.native_handle(), host.c_str()) != 1) {
        return fail(ErrorCode::io, "cannot set TLS server name '" + host + "'");
    }
    stream.set_verify_callback(net::ssl::host_name_verification(host));
    BeastRequest wire = to_beast(req);
    wire.set(beast_http::field::host, host);
    wire.prepare_payload();
    BeastResponse res;
    std::string step;
    std::exception_ptr failure;
    net::co_spawn(ioc, exchange(stream, host, port, wire, res, step, timeout, max_response_bytes),
                  [&failure](std::exception_ptr e) { failure = e; });
    ioc.run_for(timeout + std::chrono::seconds(1));
    if (!failure && step.empty()) return take_response(std::move(res));
    std::string why = "timed out";
    if (failure) {
        try {
            std::rethrow_exception(failure);
        } catch (const boost::system::system_error& e) {
            why = e.code().message();
            if (e.code().category() == net::error::get_ssl_category()) {
                why += " (check --cacert, and --cert/--key for the client certificate)";
            }
        } catch (const std::exception& e) {
            why = e.what();
        }
    }
    return fail(ErrorCode::io, step + ": " + why);
}

}  // namespace tanda::http
