#include "admin/api_error.hpp"

#include <boost/json.hpp>

namespace tanda::admin {

http::Status status_of(ApiErrorKind kind) noexcept {
    switch (kind) {
        case ApiErrorKind::bad_request: return http::Status::bad_request;
        case ApiErrorKind::unauthorized: return http::Status::unauthorized;
        case ApiErrorKind::forbidden: return http::Status::forbidden;
        case ApiErrorKind::not_found: return http::Status::not_found;
        case ApiErrorKind::conflict: return http::Status::conflict;
        case ApiErrorKind::too_many_requests: return http::Status::too_many_requests;
        case ApiErrorKind::internal: return http::Status::internal_server_error;
        case ApiErrorKind::unavailable: return http::Status::service_unavailable;
    }
    return http::Status::internal_server_error;
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

http::Response api_error_response(const http::Request& req, const ApiError& error,
                                  long retry_after_seconds) {
    boost::json::object inner;
    inner["status"] = static_cast<int>(status_of(error.kind));
    inner["code"] = code_of(error.kind);
    if (error.field.empty()) {
        inner["field"] = nullptr;
    } else {
        inner["field"] = error.field;
    }
    inner["message"] = error.message;
    boost::json::object body;
    body["error"] = std::move(inner);
    http::Response res{status_of(error.kind), req.version()};
    res.set(http::Field::content_type, "application/json");
    res.set(http::Field::cache_control, "no-store");
    if (error.kind == ApiErrorKind::unauthorized) {
        res.set(http::Field::www_authenticate, "Mutual-TLS");
    }
    if (retry_after_seconds > 0) {
        res.set(http::Field::retry_after, std::to_string(retry_after_seconds));
    }
    res.body() = boost::json::serialize(body) + "\n";
    res.prepare_payload();
    return res;
}

}  // namespace tanda::admin
