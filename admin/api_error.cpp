#include "admin/api_error.hpp"

namespace tanda::admin {

unsigned status_of(ApiErrorKind kind) noexcept {
    switch (kind) {
        case ApiErrorKind::bad_request: return 400;
        case ApiErrorKind::unauthorized: return 401;
        case ApiErrorKind::forbidden: return 403;
        case ApiErrorKind::not_found: return 404;
        case ApiErrorKind::conflict: return 409;
        case ApiErrorKind::too_many_requests: return 429;
        case ApiErrorKind::internal: return 500;
        case ApiErrorKind::unavailable: return 503;
    }
    return 500;
}

std::string_view code_of(ApiErrorKind kind) noexcept {
    switch (kind) {
        case ApiErrorKind::bad_request: return "bad_request";
        case ApiErrorKind::unauthorized: return "unauthorized";
        case ApiErrorKind::forbidden: return "forbidden";
        case ApiErrorKind::not_found: return "not_found";
        case ApiErrorKind::conflict: return "conflict";
        case ApiErrorKind::too_many_requests: return "too_many_requests";
        case ApiErrorKind::internal: return "internal";
        case ApiErrorKind::unavailable: return "unavailable";
    }
    return "internal";
}

tl::unexpected<ApiError> storage_refusal(const Error& e) {
    switch (e.code) {
        case ErrorCode::invalid_argument: return refuse(ApiErrorKind::bad_request, "", e.message);
        // The record changed between the check and the write (another operator or node).
        case ErrorCode::conflict: return refuse(ApiErrorKind::conflict, "serial", e.message);
        case ErrorCode::unavailable: return refuse(ApiErrorKind::unavailable, "", "cluster: " + e.message);
        default: return refuse(ApiErrorKind::internal, "", "storage: " + e.message);
    }
}

}  // namespace tanda::admin
