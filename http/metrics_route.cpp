#include "http/metrics_route.hpp"

namespace tanda::http {

void add_metrics_route(Router& router, const metrics::Registry& registry) {
    router.exact("/metrics", {Verb::get}, [&registry](const Request& req, const RequestContext&) {
        Response res{Status::ok, req.version()};
        res.set(Field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        res.set(Field::cache_control, "no-store");
        res.body() = registry.render();
        res.prepare_payload();
        return res;
    });
}

}  // namespace tanda::http
