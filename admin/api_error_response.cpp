#include "admin/api_error_response.hpp"

#include <boost/json.hpp>

#include "admin/api_response.hpp"

namespace tanda::admin {

http::Response api_error_response(const http::Request& req, const ApiError& error,
                                  long retry_after_seconds) {
    const unsigned status = status_of(error.kind);
    boost::json::object inner;
    inner["status"] = status;
    inner["code"] = code_of(error.kind);
    if (error.field.empty()) {
        inner["field"] = nullptr;
    } else {
        inner["field"] = error.field;
    }
    inner["message"] = error.message;
    if (!error.rule.empty()) inner["rule"] = error.rule;
    boost::json::object body;
    body["error"] = std::move(inner);
    http::Response res = json_response(req, static_cast<http::Status>(status), body);
    if (error.kind == ApiErrorKind::unauthorized) {
        res.set(http::Field::www_authenticate, "Mutual-TLS");
    }
    if (retry_after_seconds > 0) {
        res.set(http::Field::retry_after, std::to_string(retry_after_seconds));
    }
    return res;
}

}  // namespace tanda::admin
