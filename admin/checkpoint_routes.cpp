#include "admin/checkpoint_routes.hpp"

#include <boost/json.hpp>
#include <filesystem>

#include "admin/api_error_response.hpp"
#include "core/base64.hpp"
#include "core/time_format.hpp"

namespace tanda::admin {
namespace {

namespace json = boost::json;
using http::Request;
using http::RequestContext;
using http::Response;

Response checkpoint_response(const Request& req, http::Status status, const SignedCheckpoint& c) {
    json::object body{
        {"seq", c.checkpoint.seq},
        {"head", to_hex(c.checkpoint.head)},
        {"time", format_rfc3339(c.checkpoint.time)},
        {"file", std::filesystem::path(c.path).filename().string()},
        {"checkpoint", base64_encode(c.signed_data)},
    };
    Response res{status, req.version()};
    res.set(http::Field::content_type, "application/json");
    res.set(http::Field::cache_control, "no-store");
    res.body() = json::serialize(body) + "\n";
    res.prepare_payload();
    return res;
}

ApiResult<Response> make(Checkpointer& checkpointer, const Request& req, const Caller& who) {
    auto made = checkpointer.make(who.subject);
    if (made) return checkpoint_response(req, http::Status::created, *made);
    const bool empty = made.error().code == ErrorCode::conflict;
    return refuse(empty ? ApiErrorKind::conflict : ApiErrorKind::internal, "",
                  made.error().message);
}

ApiResult<Response> latest(const Checkpointer& checkpointer, const Request& req, const Caller&) {
    auto last = checkpointer.latest();
    if (!last) return refuse(ApiErrorKind::not_found, "", "no checkpoint has been made yet");
    return checkpoint_response(req, http::Status::ok, *last);
}

// Authenticates for `role`, then answers with `body`'s response or its refusal.
template <typename Body>
http::Handler guarded(Authenticator& auth, Role role, Body body) {
    return [&auth, role, body](const Request& req, const RequestContext& ctx) -> Response {
        auto caller = auth.authenticate(ctx, role);
        if (!caller) return api_error_response(req, caller.error(), auth.retry_after(ctx));
        ApiResult<Response> res = body(req, *caller);
        return res ? std::move(*res) : api_error_response(req, res.error());
    };
}

}  // namespace

void add_checkpoint_routes(http::Router& router, Checkpointer& checkpointer, Authenticator& auth) {
    router.exact(
        "/v1/checkpoints", {http::Verb::post},
        guarded(auth, Role::operator_, [&checkpointer](const Request& req, const Caller& who) {
            return make(checkpointer, req, who);
        }));
    router.exact(
        "/v1/checkpoints/latest", {http::Verb::get},
        guarded(auth, Role::auditor, [&checkpointer](const Request& req, const Caller& who) {
            return latest(checkpointer, req, who);
        }));
}

}  // namespace tanda::admin
