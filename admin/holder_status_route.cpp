#include "admin/holder_status_route.hpp"

#include <boost/json.hpp>

#include "admin/admin_json.hpp"

namespace tanda::admin {
namespace {

constexpr std::string_view kPrefix = "/status/";

http::Response answer(const http::Request& req, http::Status status, std::string body) {
    http::Response res{status, req.version()};
    res.set(http::Field::content_type, "application/json");
    // A status changes (applied -> success) and belongs to one holder: no cache keeps it.
    res.set(http::Field::cache_control, "no-store");
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

// One answer for every miss (malformed, unknown, or a request that cannot be read), so the
// answer tells nothing but "not a token of ours".
http::Response not_found(const http::Request& req) {
    return answer(req, http::Status::not_found, "{\"error\":\"unknown status token\"}\n");
}

}  // namespace

void add_holder_status_route(http::Router& router, const AdminService& service,
                             const StatusTokens& tokens) {
    router.prefix(std::string(kPrefix), {http::Verb::get},
                  [&service, &tokens](const http::Request& req, const http::RequestContext& ctx) {
                      auto request_id = tokens.find(ctx.path.substr(kPrefix.size()));
                      if (!request_id || !*request_id) return not_found(req);
                      auto status = service.request(**request_id);
                      if (!status) return not_found(req);
                      return answer(req, http::Status::ok,
                                    boost::json::serialize(to_json(*status)) + "\n");
                  });
}

}  // namespace tanda::admin
