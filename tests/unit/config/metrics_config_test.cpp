#include <catch2/catch.hpp>

#include "config/config.hpp"
#include "tests/unit/config/config_test_support.hpp"

using namespace tanda;
using config::parse_config;
using tanda::test::kMinimalConfig;
using tanda::test::problems_of;

TEST_CASE("metrics are on by default, on loopback port 9102", "[config][metrics]") {
    auto c = parse_config(kMinimalConfig, "/etc/tanda/tanda.yaml");
    REQUIRE(c);
    CHECK(c->metrics.enabled);
    CHECK(c->metrics.listen.address == "127.0.0.1");
    CHECK(c->metrics.listen.port == 9102);
    CHECK(c->metrics.listen.threads == 1);
}

TEST_CASE("the metrics section sets the listener or turns it off", "[config][metrics]") {
    auto c = parse_config(kMinimalConfig +
                              "metrics:\n  listen:\n    address: 0.0.0.0\n    port: 9200\n"
                              "    max_connections: 8\n",
                          "/etc/tanda/tanda.yaml");
    REQUIRE(c);
    CHECK(c->metrics.enabled);
    CHECK(c->metrics.listen.address == "0.0.0.0");
    CHECK(c->metrics.listen.port == 9200);
    CHECK(c->metrics.listen.max_connections == 8);
    auto off =
        parse_config(kMinimalConfig + "metrics:\n  enabled: false\n", "/etc/tanda/tanda.yaml");
    REQUIRE(off);
    CHECK_FALSE(off->metrics.enabled);
}

TEST_CASE("metrics section problems carry their line", "[config][metrics]") {
    auto all = problems_of(kMinimalConfig +
                           "metrics:\n  enabled: maybe\n  listen:\n    port: 99999\n"
                           "    threads: 4\n");
    CHECK_THAT(all, Catch::Contains("/etc/tanda/tanda.yaml:8:"));   // enabled
    CHECK_THAT(all, Catch::Contains("/etc/tanda/tanda.yaml:10:"));  // port
    CHECK_THAT(all, Catch::Contains("/etc/tanda/tanda.yaml:11:"));  // unknown key threads
    CHECK_THAT(all, Catch::Contains("threads"));
}
