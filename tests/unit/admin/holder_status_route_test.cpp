#include "admin/holder_status_route.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <set>

#include "tests/support/fake_clock.hpp"
#include "tests/unit/admin/notify_test_support.hpp"

using namespace tanda;

namespace {

struct Fixture {
    test::NotifyIndex db;
    test::FakeClock clock;
    Logger logger{LogLevel::error};
    test::FakeCrls crls;
    std::shared_ptr<const ca::CaRegistry> registry =
        std::make_shared<ca::CaRegistry>(std::vector<ca::ServedCa>{});
    admin::AdminService service{
        [this] { return registry; }, *db.index, clock, logger, &crls, nullptr,
        admin::AdminOptions{}};
    admin::StatusTokens tokens{*db.index};
    http::Router router;
    Fixture() { admin::add_holder_status_route(router, service, tokens); }

    http::Response get(const std::string& target) {
        return router.route(http::Request{http::Verb::get, target, 11});
    }
};

}  // namespace

TEST_CASE("a status token reads its request's status without a client certificate",
          "[admin][status_token]") {
    Fixture f;
    const auto seq = f.db.revoke("0A", "req-a");
    f.db.revoke("0B", "req-b");
    auto token = f.tokens.issue("req-a");
    REQUIRE(token);
    auto res = f.get("/status/" + *token);
    REQUIRE(res.result() == http::Status::ok);
    CHECK(res[http::Field::cache_control] == "no-store");
    auto body = boost::json::parse(res.body());
    CHECK(body.at("request_id") == "req-a");
    CHECK(body.at("seq") == seq);
    CHECK(body.at("status") == "applied");
    CHECK(res.body().find("req-b") == std::string::npos);
}

TEST_CASE("every miss below /status/ is the same 404", "[admin][status_token]") {
    Fixture f;
    f.db.revoke("0C", "req-c");
    auto token = f.tokens.issue("req-c");
    REQUIRE(token);
    // A token for a request id that was never applied reads nothing either.
    auto orphan = f.tokens.issue("never-applied");
    REQUIRE(orphan);
    std::string flipped = *token;
    flipped.front() = flipped.front() == 'a' ? 'b' : 'a';
    std::set<std::string> bodies;
    for (const std::string& target :
         {"/status/" + flipped, "/status/" + *orphan, "/status/" + *token + "/x",
          std::string("/status/"), std::string("/status/req-c")}) {
        auto res = f.get(target);
        CHECK(res.result() == http::Status::not_found);
        bodies.insert(std::string(res.body()));
    }
    CHECK(bodies.size() == 1);
    auto post = f.router.route(http::Request{http::Verb::post, "/status/" + *token, 11});
    CHECK(post.result() == http::Status::method_not_allowed);
}
