// Limits and timeouts of one HTTP listener; defaults here are the only place they are written.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace tanda::http {

struct ListenerOptions {
    std::string address = "127.0.0.1";
    std::uint16_t port = 8080;  // 0 picks a free port (tests)
    unsigned threads = 0;       // 0: one per core
    std::size_t max_connections = 10000;
    std::size_t max_header_bytes = 8192;  // request line + fields, excluding the URI
    std::size_t max_uri_bytes = 4096;     // 414 beyond; GET OCSP requests are ~100-300 bytes
    std::size_t max_body_bytes = 16384;   // 413 beyond
    std::chrono::seconds idle_timeout{30};    // waiting for the first byte of a request
    std::chrono::seconds header_timeout{10};  // from first byte to end of headers
    // At the cap, a connection that has been sending one header for this long (a real client
    // sends it in one packet) may be closed for a new one: slowloris cannot hold the slots.
    std::chrono::seconds slow_header_grace{1};
    std::chrono::seconds body_timeout{10};
    std::chrono::seconds write_timeout{10};
    std::chrono::seconds shutdown_grace{5};  // in-flight requests may finish within this
    bool access_log = false;  // one logfmt line per answered request (no headers, no bodies)
};

}  // namespace tanda::http
