// The admin API's refusals as values (HTTP-independent), and the one builder that turns them
// into JSON error responses: {"error": {"status", "code", "field", "message"}}.
#pragma once

#include <string>

#include <tl/expected.hpp>

#include "http/message.hpp"

namespace tanda::admin {

enum class ApiErrorKind {
    bad_request,        // 400: malformed, wrong type, unknown field, out of range
    unauthorized,       // 401: no client certificate, or one we do not accept
    forbidden,          // 403: a certificate without the role the route needs
    not_found,          // 404
    conflict,           // 409: contradicts recorded state or an earlier request
    too_many_requests,  // 429: too many authentication failures from this address
    internal,           // 500: storage or a bug
    unavailable,        // 503: a dependency (CRL generation) failed; retrying may help
};

struct ApiError {
    ApiErrorKind kind = ApiErrorKind::internal;
    std::string field;  // the JSON field or path part at fault; empty when none
    std::string message;
};

template <typename T>
using ApiResult = tl::expected<T, ApiError>;

inline tl::unexpected<ApiError> refuse(ApiErrorKind kind, std::string field, std::string message) {
    return tl::unexpected(ApiError{kind, std::move(field), std::move(message)});
}

http::Status status_of(ApiErrorKind kind) noexcept;
std::string_view code_of(ApiErrorKind kind) noexcept;  // "bad_request", "conflict", ...

// The JSON error response; 429 carries Retry-After when `retry_after_seconds` > 0.
http::Response api_error_response(const http::Request& req, const ApiError& error,
                                  long retry_after_seconds = 0);

}  // namespace tanda::admin
