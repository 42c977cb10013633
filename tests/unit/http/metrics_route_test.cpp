#include "http/metrics_route.hpp"

#include <catch2/catch.hpp>

using namespace tanda;
using namespace tanda::http;

TEST_CASE("GET /metrics renders the registry at each request", "[metrics_route]") {
    metrics::Registry registry;
    auto& requests = registry.counters("tanda_test_requests_total", "Requests.", {"route"});
    Router router;
    add_metrics_route(router, registry);

    Request get{Verb::get, "/metrics", 11};
    Response first = router.route(get);
    CHECK(first.result() == Status::ok);
    CHECK(first[Field::content_type] == "text/plain; version=0.0.4; charset=utf-8");
    CHECK(first[Field::cache_control] == "no-store");
    CHECK(first.body() == registry.render());

    requests.with({"ocsp"}).inc();
    Response second = router.route(get);
    CHECK(second.body().find("tanda_test_requests_total{route=\"ocsp\"} 1\n") !=
          std::string::npos);
}

TEST_CASE("/metrics answers GET only", "[metrics_route]") {
    metrics::Registry registry;
    Router router;
    add_metrics_route(router, registry);
    Request post{Verb::post, "/metrics", 11};
    CHECK(router.route(post).result() == Status::method_not_allowed);
    Request other{Verb::get, "/metrics/x", 11};
    CHECK(router.route(other).result() == Status::not_found);
}
