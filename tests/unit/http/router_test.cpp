#include "http/router.hpp"

#include <catch2/catch.hpp>

using namespace tanda::http;

namespace {

Handler says(std::string what) {
    return [what](const Request& req, const RequestContext& ctx) {
        Response res{Status::ok, req.version()};
        res.body() = what + " " + std::string(ctx.path);
        res.prepare_payload();
        return res;
    };
}

Response call(const Router& r, Verb verb, std::string target) {
    Request req{verb, target, 11};
    return r.route(req);
}

}  // namespace

TEST_CASE("exact paths win, then the longest prefix; the query is not part of the path",
          "[router]") {
    Router r;
    r.prefix("/", {Verb::get}, says("root"));
    r.prefix("/crl/", {Verb::get}, says("crl"));
    r.exact("/healthz", {Verb::get}, says("health"));
    CHECK(call(r, Verb::get, "/healthz").body() == "health /healthz");
    CHECK(call(r, Verb::get, "/healthz?x=1").body() == "health /healthz");
    CHECK(call(r, Verb::get, "/crl/a.crl").body() == "crl /crl/a.crl");
    CHECK(call(r, Verb::get, "/MEQw").body() == "root /MEQw");
}

TEST_CASE("404 without a route, 405 with Allow, HEAD without a body", "[router]") {
    Router r;
    r.exact("/only", {Verb::post}, says("post"));
    r.exact("/page", {Verb::get}, says("page"));
    CHECK(call(r, Verb::get, "/nothing").result() == Status::not_found);
    auto res = call(r, Verb::get, "/only");
    CHECK(res.result() == Status::method_not_allowed);
    CHECK(res[Field::allow] == "POST");
    auto head = call(r, Verb::head, "/page");
    CHECK(head.result() == Status::ok);
    CHECK(head.body().empty());
    CHECK(head[Field::content_length] == "10");
}

TEST_CASE("the observer sees the route that answered, with its status", "[router]") {
    Router r;
    r.exact("/v1/journal", {Verb::get}, says("journal"));
    r.prefix("/v1/certificates/", {Verb::get}, says("cert"));
    std::vector<std::tuple<std::string, Verb, unsigned>> seen;
    r.observe([&](std::string_view route, Verb method, unsigned status) {
        seen.emplace_back(std::string(route), method, status);
    });
    call(r, Verb::get, "/v1/journal?since=3");
    call(r, Verb::get, "/v1/certificates/ca/01");
    call(r, Verb::post, "/v1/journal");
    call(r, Verb::get, "/elsewhere");
    REQUIRE(seen.size() == 4);
    CHECK(seen[0] == std::tuple<std::string, Verb, unsigned>{"/v1/journal", Verb::get, 200});
    CHECK(seen[1] ==
          std::tuple<std::string, Verb, unsigned>{"/v1/certificates/*", Verb::get, 200});
    CHECK(seen[2] == std::tuple<std::string, Verb, unsigned>{"/v1/journal", Verb::post, 405});
    CHECK(seen[3] == std::tuple<std::string, Verb, unsigned>{"", Verb::get, 404});
}
