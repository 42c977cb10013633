// admin-internal: what every admin route shares besides its error answers
// (api_error_response.hpp): the JSON success response and the authentication guard in front.
#pragma once

#include <boost/json/object.hpp>

#include "admin/api_error_response.hpp"
#include "admin/authenticator.hpp"
#include "http/router.hpp"

namespace tanda::admin {

// `body` serialized with a trailing newline, `Content-Type: application/json` and
// `Cache-Control: no-store`, in `req`'s HTTP version.
http::Response json_response(const http::Request& req, http::Status status,
                             const boost::json::object& body);

// Authenticates the caller for `role` (401, 403 or 429 with Retry-After as `auth` decides), then
// answers with `body(req, ctx, caller)`'s response or its refusal.
template <typename Body>
http::Handler guarded(Authenticator& auth, Role role, Body body) {
    return [&auth, role, body](const http::Request& req,
                               const http::RequestContext& ctx) -> http::Response {
        auto caller = auth.authenticate(ctx, role);
        if (!caller) return api_error_response(req, caller.error(), auth.retry_after(ctx));
        ApiResult<http::Response> res = body(req, ctx, *caller);
        return res ? std::move(*res) : api_error_response(req, res.error());
    };
}

}  // namespace tanda::admin
