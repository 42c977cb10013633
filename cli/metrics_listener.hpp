// The Prometheus listener of `tanda serve` and `tanda demo`: plain HTTP, GET /metrics renders
// the registry, on its own thread so a slow scrape never holds up OCSP answers.
#pragma once

#include <memory>

#include "config/config.hpp"
#include "core/metrics.hpp"
#include "http/background_listener.hpp"
#include "http/server.hpp"

namespace tanda::cli {

class MetricsListener {
public:
    // Binds and serves when options.enabled; nullptr when not. `registry` and `logger` must
    // outlive the listener.
    [[nodiscard]] static Result<std::unique_ptr<MetricsListener>> start(
        const config::MetricsOptions& options, const metrics::Registry& registry, Logger& logger);

    unsigned short port() const { return listener_.server().port(); }
    const http::Server& server() const { return listener_.server(); }
    void stop() { listener_.stop(); }

private:
    MetricsListener() = default;
    http::Router router_;
    http::BackgroundListener listener_;  // declared last: stopped and joined first
};

}  // namespace tanda::cli
