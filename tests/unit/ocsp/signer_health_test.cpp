#include "ocsp/signer_health.hpp"

#include <catch2/catch.hpp>

using tanda::ocsp::SignerHealth;

TEST_CASE("a failing signer is reported once per outage until it signs again", "[ocsp]") {
    SignerHealth h;
    CHECK_FALSE(h.problem());
    h.succeeded("a");
    CHECK(h.failed("a", "Device error", 1'790'000'000));
    CHECK_FALSE(h.failed("a", "Device removed", 1'790'000'003));  // same outage: no new log
    REQUIRE(h.problem());
    CHECK(*h.problem() == "signer of CA a failing since 2026-09-21T14:13:20Z: Device removed");
    h.succeeded("b");  // another CA signing says nothing about a
    CHECK(h.problem());
    h.succeeded("a");
    CHECK_FALSE(h.problem());
    CHECK(h.failed("a", "Device error", 1'790'000'100));  // a new outage
}

TEST_CASE("failing signers are probed at most once per interval", "[ocsp]") {
    SignerHealth h;
    CHECK(h.due_for_probe(1000, 5).empty());
    h.failed("a", "x", 1000);
    CHECK(h.due_for_probe(1002, 5).empty());  // failed 2 s ago: live traffic is testing it
    CHECK(h.due_for_probe(1005, 5) == std::vector<std::string>{"a"});
    CHECK(h.due_for_probe(1006, 5).empty());
    CHECK(h.due_for_probe(1010, 5) == std::vector<std::string>{"a"});
}
