// A small HTTPS client for one request at a time (the `tanda admin` commands): TLS 1.2/1.3,
// the server verified against a CA bundle and by host name, an optional client certificate.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "core/result.hpp"
#include "http/tls_context.hpp"
#include "http/message.hpp"

namespace tanda::http {

class TlsClient {
public:
    // Loads the files (ErrorCode::config naming the file that failed).
    [[nodiscard]] static Result<TlsClient> create(const TlsClientFiles& files);

    // Connects to host:port, sends `req` (Host, Content-Length set here) and reads the answer,
    // all within `timeout`. ErrorCode::io with the step that failed (connect, TLS handshake with
    // the verifier's reason, write, read; a response body over `max_response_bytes` fails the
    // read). Thread-compatible: one call at a time per object.
    [[nodiscard]] Result<Response> send(const std::string& host, const std::string& port,
                                        const Request& req, std::chrono::seconds timeout,
                                        std::size_t max_response_bytes = 8 << 20) const;

private:
    explicit TlsClient(std::shared_ptr<boost::asio::ssl::context> ctx) : ctx_(std::move(ctx)) {}
    std::shared_ptr<boost::asio::ssl::context> ctx_;
};

}  // namespace tanda::http
