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
    l->server_ = std::make_unique<http::Server>(options.listen, l->router_, logger);
    if (auto ok = l->server_->listen(); !ok) {
        return tl::unexpected(ok.error().with_context("metrics listener"));
    }
    logger.info("metrics listening", {{"address", options.listen.address},
                                      {"port", std::to_string(l->server_->port())}});
    l->thread_ = std::thread([server = l->server_.get()] { server->run(); });
    return l;
}

MetricsListener::~MetricsListener() {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
}

}  // namespace tanda::cli
