#include "admin/webhook_request.hpp"

#include <catch2/catch.hpp>

#include "pki/hmac_sha256.hpp"

using namespace tanda;

TEST_CASE("webhook URLs give host, port and target", "[admin][notify]") {
    struct Case {
        std::string url, host, port, target;
    };
    auto c =
        GENERATE(Case{"https://ra.example", "ra.example", "443", "/"},
                 Case{"https://ra.example:8443/hooks/tanda", "ra.example", "8443", "/hooks/tanda"},
                 Case{"https://127.0.0.1:9/a?b=c", "127.0.0.1", "9", "/a?b=c"},
                 Case{"https://[::1]:8443/x", "::1", "8443", "/x"},
                 Case{"https://ra.example?x=1", "ra.example", "443", "/?x=1"});
    auto u = admin::parse_webhook_url(c.url);
    REQUIRE(u);
    CHECK(u->host == c.host);
    CHECK(u->port == c.port);
    CHECK(u->target == c.target);
}

TEST_CASE("webhook URLs that are not https://host[:port] are refused", "[admin][notify]") {
    auto url = GENERATE("http://ra.example/", "https://", "https://:443/", "https://h:99999/",
                        "https://h:x/", "https://user@h/", "https://[::1/");
    auto u = admin::parse_webhook_url(url);
    CHECK_FALSE(u);
    if (!u) CHECK(u.error().code == ErrorCode::invalid_argument);
}

TEST_CASE("a webhook request is a signed JSON POST with the event's id", "[admin][notify]") {
    admin::NotifyEvent ev;
    ev.id = "tanda-5-applied";
    ev.type = "applied";
    const std::string secret = "s3cret", body = R"({"event_id":"tanda-5-applied"})";
    auto req = admin::webhook_request("/hooks", ev, body, as_bytes(secret));
    REQUIRE(req);
    CHECK(req->method() == http::Verb::post);
    CHECK(req->target() == "/hooks");
    CHECK(req->body() == body);
    CHECK((*req)[http::Field::content_type] == "application/json");
    CHECK((*req)["Tanda-Event-Id"] == "tanda-5-applied");
    CHECK((*req)["Tanda-Event-Type"] == "applied");
    auto mac = pki::hmac_sha256(as_bytes(secret), as_bytes(body));
    REQUIRE(mac);
    CHECK((*req)["Tanda-Signature"] == "sha256=" + to_hex(*mac));
    // Another key gives another signature: the header depends on the secret.
    auto other = admin::webhook_request("/hooks", ev, body, as_bytes(std::string("other")));
    REQUIRE(other);
    CHECK((*other)["Tanda-Signature"] != (*req)["Tanda-Signature"]);
}
