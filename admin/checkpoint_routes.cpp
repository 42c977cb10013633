#include "admin/checkpoint_routes.hpp"

#include <boost/json.hpp>
#include <filesystem>
#include <functional>

#include "admin/api_response.hpp"
#include "core/base64.hpp"
#include "core/time_format.hpp"

namespace tanda::admin {
namespace {

namespace json = boost::json;
using http::Request;
using http::RequestContext;
using http::Response;

Response checkpoint_response(const Request& req, http::Status status, const SignedCheckpoint& c) {
    return json_response(req, status,
                         json::object{
                             {"seq", c.checkpoint.seq},
                             {"head", to_hex(c.checkpoint.head)},
                             {"time", format_rfc3339(c.checkpoint.time)},
                             {"file", std::filesystem::path(c.path).filename().string()},
                             {"checkpoint", base64_encode(c.signed_data)},
                         });
}

ApiResult<Response> make(Checkpointer& checkpointer, const Request& req, const RequestContext&,
                         const Caller& who) {
    // A checkpoint signs every CA's journal: a CA's own operator's call (issue 21).
    if (auto ok = check_whole_ca(who, "a checkpoint"); !ok) return tl::unexpected(ok.error());
    auto made = checkpointer.make(who.subject);
    if (made) return checkpoint_response(req, http::Status::created, *made);
    const bool empty = made.error().code == ErrorCode::conflict;
    return refuse(empty ? ApiErrorKind::conflict : ApiErrorKind::internal, "",
                  made.error().message);
}

ApiResult<Response> latest(const Checkpointer& checkpointer, const Request& req,
                           const RequestContext&, const Caller& who) {
    if (auto ok = check_whole_ca(who, "a checkpoint"); !ok) return tl::unexpected(ok.error());
    auto last = checkpointer.latest();
    if (!last) return refuse(ApiErrorKind::not_found, "", "no checkpoint has been made yet");
    return checkpoint_response(req, http::Status::ok, *last);
}

}  // namespace

void add_checkpoint_routes(http::Router& router, Checkpointer& checkpointer, Authenticator& auth) {
    router.exact("/v1/checkpoints", {http::Verb::post},
                 guarded(auth, Role::operator_, std::bind_front(make, std::ref(checkpointer))));
    router.exact("/v1/checkpoints/latest", {http::Verb::get},
                 guarded(auth, Role::auditor, std::bind_front(latest, std::cref(checkpointer))));
}

}  // namespace tanda::admin
