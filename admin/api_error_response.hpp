// The one builder of the admin API's error responses (used by admin_routes.cpp):
//   {"error": {"status": 409, "code": "conflict", "field": "serial" or null, "message": "..."}}
// with the status line of the error's kind, `Cache-Control: no-store`, and
// `WWW-Authenticate: Mutual-TLS` on 401.
#pragma once

#include "admin/api_error.hpp"
#include "http/message.hpp"

namespace tanda::admin {

// The JSON error response to `req`, in its HTTP version; with `Retry-After` when
// `retry_after_seconds` > 0 (the routes pass it with 429).
http::Response api_error_response(const http::Request& req, const ApiError& error,
                                  long retry_after_seconds = 0);

}  // namespace tanda::admin
