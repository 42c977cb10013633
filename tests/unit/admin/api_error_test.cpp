#include "admin/api_error.hpp"

#include <catch2/catch.hpp>

using namespace tanda::admin;

TEST_CASE("each ApiErrorKind maps to its HTTP status code and machine-readable code",
          "[api_error]") {
    auto [kind, status, code] = GENERATE(table<ApiErrorKind, unsigned, std::string_view>({
        {ApiErrorKind::bad_request, 400, "bad_request"},
        {ApiErrorKind::unauthorized, 401, "unauthorized"},
        {ApiErrorKind::forbidden, 403, "forbidden"},
        {ApiErrorKind::not_found, 404, "not_found"},
        {ApiErrorKind::conflict, 409, "conflict"},
        {ApiErrorKind::too_many_requests, 429, "too_many_requests"},
        {ApiErrorKind::internal, 500, "internal"},
        {ApiErrorKind::unavailable, 503, "unavailable"},
    }));
    CHECK(status_of(kind) == status);
    CHECK(code_of(kind) == code);
}

TEST_CASE("refuse() carries kind, field and message as given", "[api_error]") {
    ApiResult<int> r = refuse(ApiErrorKind::conflict, "serial", "already revoked");
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ApiErrorKind::conflict);
    CHECK(r.error().field == "serial");
    CHECK(r.error().message == "already revoked");
}
