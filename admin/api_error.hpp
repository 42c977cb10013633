// The admin API's refusals as values, independent of HTTP: a kind, the field at fault and a
// message, with the status code and the machine-readable code each kind maps to.
// admin/api_error_response.hpp turns them into HTTP responses.
#pragma once

#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "core/result.hpp"

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
    std::string rule{};  // a scope refusal's failed rule (admin/role_scope.hpp); empty otherwise
};

template <typename T>
using ApiResult = tl::expected<T, ApiError>;

inline tl::unexpected<ApiError> refuse(ApiErrorKind kind, std::string field, std::string message) {
    return tl::unexpected(ApiError{kind, std::move(field), std::move(message)});
}

// The one translation of storage errors into API refusals: bad input is the caller's (400), a
// cluster whose journal stream cannot be reached is 503 (retry with the same request id),
// anything else is ours (500).
tl::unexpected<ApiError> storage_refusal(const Error& e);

unsigned status_of(ApiErrorKind kind) noexcept;        // the HTTP status code: 400, 401, ...
std::string_view code_of(ApiErrorKind kind) noexcept;  // "bad_request", "conflict", ...

}  // namespace tanda::admin
