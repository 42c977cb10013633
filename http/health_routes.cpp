#include "http/health_routes.hpp"

namespace tanda::http {
namespace {

Response text_response(const Request& req, Status status, std::string body) {
    Response res{status, req.version()};
    res.set(Field::content_type, "text/plain; charset=utf-8");
    res.set(Field::cache_control, "no-store");
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

}  // namespace

void add_health_routes(Router& router, std::vector<ReadinessCheck> checks) {
    router.exact("/healthz", {Verb::get}, [](const Request& req, const RequestContext&) {
        return text_response(req, Status::ok, "ok\n");
    });
    router.exact("/readyz", {Verb::get},
                 [checks = std::move(checks)](const Request& req, const RequestContext&) {
                     std::string body;
                     bool ready = true;
                     for (const auto& check : checks) {
                         auto problem = check.problem();
                         ready = ready && !problem;
                         body += check.name + ": " + (problem ? *problem : "ok") + "\n";
                     }
                     return text_response(req, ready ? Status::ok : Status::service_unavailable,
                                          std::move(body));
                 });
}

}  // namespace tanda::http
