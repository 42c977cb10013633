#include "cli/metrics_listener.hpp"

#include "http/metrics_route.hpp"

namespace tanda::cli {

Result<std::unique_ptr<MetricsListener>> MetricsListener::start(
    const config::MetricsOptions& options, const metrics::Registry& registry, Logger& logger) {
    if (!options.enabled) return std::unique_ptr<MetricsListener>();
    std::unique_ptr<MetricsListener> l(new MetricsListener());
    http::add_metrics_route(l->router_, registry);
    auto server = std::make_unique<http::Server>(options.listen, l->router_, logger);
    if (auto ok = l->listener_.start(std::move(server), "metrics", options.listen, logger); !ok) {
        return tl::unexpected(ok.error());
    }
    return l;
}

}  // namespace tanda::cli
