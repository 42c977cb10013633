#include "admin/api_error_response.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace tanda;
using namespace tanda::admin;
namespace json = boost::json;

namespace {

http::Request get_request(unsigned version = 11) {
    return http::Request{http::Verb::get, "/v1/journal", version};
}

json::object error_of(const http::Response& res) {
    return json::parse(res.body()).as_object().at("error").as_object();
}

}  // namespace

TEST_CASE("an ApiError of each kind becomes a JSON response with that kind's status",
          "[api_error]") {
    auto [kind, status, code] = GENERATE(table<ApiErrorKind, http::Status, std::string_view>({
        {ApiErrorKind::bad_request, http::Status::bad_request, "bad_request"},
        {ApiErrorKind::unauthorized, http::Status::unauthorized, "unauthorized"},
        {ApiErrorKind::forbidden, http::Status::forbidden, "forbidden"},
        {ApiErrorKind::not_found, http::Status::not_found, "not_found"},
        {ApiErrorKind::conflict, http::Status::conflict, "conflict"},
        {ApiErrorKind::too_many_requests, http::Status::too_many_requests, "too_many_requests"},
        {ApiErrorKind::internal, http::Status::internal_server_error, "internal"},
        {ApiErrorKind::unavailable, http::Status::service_unavailable, "unavailable"},
    }));
    auto res = api_error_response(get_request(), {kind, "serial", "why it was refused"});
    CHECK(res.result() == status);
    CHECK(res.version() == 11);
    CHECK(res[http::Field::content_type] == "application/json");
    CHECK(res[http::Field::cache_control] == "no-store");
    CHECK(res.has_content_length());
    CHECK(res.body().back() == '\n');
    CHECK(res.count(http::Field::retry_after) == 0);
    // Only a missing or unaccepted certificate says how to authenticate (RFC 9110 11.6.1).
    CHECK(res.count(http::Field::www_authenticate) == (kind == ApiErrorKind::unauthorized));
    if (kind == ApiErrorKind::unauthorized) {
        CHECK(res[http::Field::www_authenticate] == "Mutual-TLS");
    }

    auto body = json::parse(res.body()).as_object();
    CHECK(body.size() == 1);
    auto error = body.at("error").as_object();
    CHECK(error.size() == 4);
    CHECK(error.at("status").to_number<unsigned>() == static_cast<unsigned>(status));
    CHECK(error.at("code").as_string() == code);
    CHECK(error.at("field").as_string() == "serial");
    CHECK(error.at("message").as_string() == "why it was refused");
}

TEST_CASE("an ApiError without a field has \"field\": null", "[api_error]") {
    auto res = api_error_response(get_request(), {ApiErrorKind::internal, "", "storage failed"});
    auto error = error_of(res);
    CHECK(error.at("field").is_null());
    CHECK(error.at("message").as_string() == "storage failed");
}

TEST_CASE("Retry-After is set only for a positive delay, and the HTTP version is kept",
          "[api_error]") {
    const ApiError blocked{ApiErrorKind::too_many_requests, "", "blocked"};
    auto res = api_error_response(get_request(10), blocked, 120);
    CHECK(res.result() == http::Status::too_many_requests);
    CHECK(res.version() == 10);
    CHECK(res[http::Field::retry_after] == "120");
    CHECK(api_error_response(get_request(), blocked, 0).count(http::Field::retry_after) == 0);
    CHECK(api_error_response(get_request(), blocked, -5).count(http::Field::retry_after) == 0);
}
