#include "http/health_routes.hpp"
#include "ocsp/ocsp_routes.hpp"

#include <catch2/catch.hpp>

#include "core/base64.hpp"
#include "tests/support/fake_clock.hpp"

using namespace tanda;
using ocsp::ResponseContent;
using ocsp::Outcome;

namespace {

// Answers every request the same way and remembers what it was asked.
class CannedSource final : public ocsp::AnswerSource {
public:
    ocsp::ResponseContent answer;
    mutable Bytes last_request;
    void respond(ByteView der, Done done) const override {
        last_request.assign(der.begin(), der.end());
        done(ocsp::make_served(answer, {}));
    }
};

struct Fixture {
    test::FakeClock clock{1'790'000'000};
    CannedSource source;
    metrics::Registry registry;
    ocsp::OcspMetrics ocsp_metrics{registry};
    http::Router router;

    explicit Fixture(ocsp::Outcome outcome = ocsp::Outcome::good, std::string prefix = "/ocsp") {
        source.answer.der = std::make_shared<const Bytes>(Bytes(40, std::byte{0x30}));
        source.answer.outcome = outcome;
        source.answer.this_update = clock.now() - 300;
        source.answer.next_update = clock.now() + 3600;
        source.answer.produced_at = clock.now();
        source.answer.ca_name = "demo";
        ocsp::add_ocsp_routes(router, {prefix}, source, clock, &ocsp_metrics);
        http::add_health_routes(router);
    }
    http::Response get(std::string target, std::string if_none_match = "") {
        http::Request req{http::Verb::get, target, 11};
        if (!if_none_match.empty()) req.set(http::Field::if_none_match, if_none_match);
        return router.route(req);
    }
    http::Response post(std::string body, std::string type = "application/ocsp-request") {
        http::Request req{http::Verb::post, "/", 11};
        req.set(http::Field::content_type, type);
        req.body() = body;
        return router.route(req);
    }
};

}  // namespace

TEST_CASE("GET of a good answer carries RFC 5019 caching headers", "[routes]") {
    Fixture f;
    auto res = f.get("/MEQwQjBAMD4wPDAJBgUrDgMCGgUA");
    CHECK(res.result() == http::Status::ok);
    CHECK(res[http::Field::content_type] == "application/ocsp-response");
    CHECK(res[http::Field::cache_control] ==
          "public, no-transform, must-revalidate, max-age=3600");
    CHECK(res[http::Field::last_modified] == "Mon, 21 Sep 2026 14:08:20 GMT");
    CHECK(res[http::Field::expires] == "Mon, 21 Sep 2026 15:13:20 GMT");
    CHECK(res.body().payload_size() == 40);
    CHECK(res.body().shared().owner() == f.source.answer.der);  // sent from the cache, not copied
    CHECK(f.source.last_request == *base64_decode("MEQwQjBAMD4wPDAJBgUrDgMCGgUA"));

    SECTION("a matching If-None-Match is answered 304 without a body") {
        std::string etag(res[http::Field::etag]);
        REQUIRE(etag.size() == 34);
        auto again = f.get("/MEQwQjBAMD4wPDAJBgUrDgMCGgUA", etag);
        CHECK(again.result() == http::Status::not_modified);
        CHECK(again.body().payload_size() == 0);
    }
}

TEST_CASE("unknown, unauthorized and malformed answers are not cacheable", "[routes]") {
    auto outcome = GENERATE(ocsp::Outcome::unknown, ocsp::Outcome::unauthorized, ocsp::Outcome::malformed);
    Fixture f(outcome);
    auto res = f.get("/MEQwQjBAMD4wPDAJBgUrDgMCGgUA");
    CHECK(res.result() == http::Status::ok);
    CHECK(res[http::Field::cache_control] == "no-cache, no-store, max-age=0");
    CHECK(res[http::Field::etag].empty());
}

TEST_CASE("the path prefix and a doubled slash reach the same request", "[routes]") {
    Fixture f;
    for (std::string target : {"/ocsp/MEQwQjBA", "/ocsp//MEQwQjBA", "//MEQwQjBA"}) {
        INFO(target);
        f.source.last_request.clear();
        CHECK(f.get(target).result() == http::Status::ok);
        CHECK(f.source.last_request == *base64_decode("MEQwQjBA"));
    }
}

TEST_CASE("GET with invalid base64 is a malformedRequest, not an HTTP error", "[routes]") {
    Fixture f;
    auto res = f.get("/not*base64!");
    CHECK(res.result() == http::Status::ok);
    CHECK(res.body().payload() == std::string("\x30\x03\x0a\x01\x01", 5));
}

TEST_CASE("POST needs the OCSP media type and is never cached", "[routes]") {
    Fixture f;
    auto res = f.post("\x30\x00");
    CHECK(res.result() == http::Status::ok);
    CHECK(res[http::Field::cache_control] == "no-cache, no-store, max-age=0");
    CHECK(f.post("x", "Application/OCSP-Request; charset=binary").result() == http::Status::ok);
    CHECK(f.post("x", "text/plain").result() == http::Status::unsupported_media_type);
    CHECK(f.post("x", "").result() == http::Status::unsupported_media_type);
}

TEST_CASE("other methods get 405 with Allow, health answers ok", "[routes]") {
    Fixture f;
    http::Request put{http::Verb::put, "/", 11};
    auto res = f.router.route(put);
    CHECK(res.result() == http::Status::method_not_allowed);
    CHECK(res[http::Field::allow] == "GET, HEAD, POST");
    CHECK(f.get("/healthz").body() == "ok\n");
}

TEST_CASE("every answer is counted by CA, method and outcome, with its latency", "[routes]") {
    Fixture f(ocsp::Outcome::revoked);
    f.get("/ocsp/MAA=");
    f.get("/ocsp/MAA=");
    f.post("\x30\x00");
    f.get("/ocsp/not base64!");  // undecodable: malformed, no CA
    const std::string text = f.registry.render();
    CHECK_THAT(text, Catch::Contains(
                         "tanda_ocsp_requests_total{ca=\"demo\",method=\"GET\",outcome=\"revoked\"} 2\n"));
    CHECK_THAT(text, Catch::Contains(
                         "tanda_ocsp_requests_total{ca=\"demo\",method=\"POST\",outcome=\"revoked\"} 1\n"));
    CHECK_THAT(text, Catch::Contains(
                         "tanda_ocsp_requests_total{ca=\"\",method=\"GET\",outcome=\"malformed\"} 1\n"));
    CHECK_THAT(text, Catch::Contains(
                         "tanda_ocsp_request_duration_seconds_count{method=\"GET\"} 3\n"));
    CHECK_THAT(text, Catch::Contains(
                         "tanda_ocsp_request_duration_seconds_bucket{method=\"POST\",le=\"+Inf\"} 1\n"));
    // A 415 is HTTP misuse, not an OCSP answer: not counted.
    f.post("x", "text/plain");
    CHECK_THAT(f.registry.render(), Catch::Contains(
                         "tanda_ocsp_request_duration_seconds_count{method=\"POST\"} 1\n"));
}

TEST_CASE("readyz is 200 when every check passes, 503 naming the failing one", "[routes]") {
    bool storage_ok = true;
    http::Router router;
    http::add_health_routes(
        router, {{"storage", [&]() -> std::optional<std::string> {
                      if (storage_ok) return std::nullopt;
                      return "cannot read";
                  }},
                 {"signers", [] { return std::optional<std::string>(); }}});
    http::Request req{http::Verb::get, "/readyz", 11};
    auto res = router.route(req);
    CHECK(res.result() == http::Status::ok);
    CHECK(res.body() == "storage: ok\nsigners: ok\n");
    CHECK(res[http::Field::cache_control] == "no-store");
    storage_ok = false;
    res = router.route(req);
    CHECK(res.result() == http::Status::service_unavailable);
    CHECK(res.body() == "storage: cannot read\nsigners: ok\n");
}
