// The Prometheus listener of `tanda serve` and `tanda demo`: plain HTTP, GET /metrics renders
// the registry, on its own thread so a slow scrape never holds up OCSP answers.
#pragma once

#include <memory>
#include <thread>

#include "config/config.hpp"
#include "core/metrics.hpp"
#include "http/server.hpp"

namespace tanda::cli {

class MetricsListener {
public:
    // Binds and serves when options.enabled; nullptr when not. `registry` and `logger` must
    // outlive the listener.
    [[nodiscard]] static Result<std::unique_ptr<MetricsListener>> start(
        const config::MetricsOptions& options, const metrics::Registry& registry, Logger& logger);
    ~MetricsListener();  // stops and joins

    unsigned short port() const { return server_->port(); }
    const http::Server& server() const { return *server_; }
    void stop() { server_->stop(); }

private:
    MetricsListener() = default;
    http::Router router_;
    std::unique_ptr<http::Server> server_;
    std::thread thread_;
};

}  // namespace tanda::cli
