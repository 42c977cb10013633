#include "cli/metrics_listener.hpp"

namespace tanda::cli {

Result<std::unique_ptr<MetricsListener>> MetricsListener::start(
    const config::MetricsOptions& options, const metrics::Registry& registry, Logger& logger) {
    if (!options.enabled) return std::unique_ptr<MetricsListener>();
    std::unique_ptr<MetricsListener> l(new MetricsListener());
    l->router_.exact("/metrics", {http::Verb::get},
                     [&registry](const http::Request& req, const http::RequestContext&) {
                         http::Response res{http::Status::ok, req.version()};
                         res.set(http::Field::content_type,
                                 "text/plain; version=0.0.4; charset=utf-8");
                         res.set(http::Field::cache_control, "no-store");
                         res.body() = registry.render();
                         res.prepare_payload();
                         return res;
                     });
    auto server = std::make_unique<http::Server>(options.listen, l->router_, logger);
    if (auto ok = l->listener_.start(std::move(server), "metrics", options.listen, logger); !ok) {
        return tl::unexpected(ok.error());
    }
    return l;
}

}  // namespace tanda::cli
