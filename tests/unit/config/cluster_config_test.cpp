#include "config/cluster_config.hpp"

#include <catch2/catch.hpp>

#include "config/config.hpp"
#include "tests/unit/config/config_test_support.hpp"

using namespace tanda;
using config::parse_config;
using tanda::test::kMinimalConfig;
using tanda::test::problems_of;

TEST_CASE("without a cluster section Tanda is a single node", "[config][cluster]") {
    auto c = parse_config(kMinimalConfig, "/etc/tanda/tanda.yaml");
    REQUIRE(c);
    CHECK_FALSE(c->cluster.enabled);
}

TEST_CASE("the cluster section is read with defaults and paths resolved", "[config][cluster]") {
    auto c = parse_config(kMinimalConfig +
                              "cluster:\n  node: jkt-1\n"
                              "  servers: [tls://10.0.0.1:4222, tls://10.0.0.2:4222]\n"
                              "  tls: {ca: nats-ca.pem, cert: node.pem, key: node.key}\n"
                              "  credentials: tanda.creds\n",
                          "/etc/tanda/tanda.yaml");
    REQUIRE(c);
    CHECK(c->cluster.enabled);
    CHECK(c->cluster.node == "jkt-1");
    CHECK(c->cluster.servers ==
          std::vector<std::string>{"tls://10.0.0.1:4222", "tls://10.0.0.2:4222"});
    CHECK(c->cluster.tls_ca == "/etc/tanda/nats-ca.pem");
    CHECK(c->cluster.tls_key == "/etc/tanda/node.key");
    CHECK(c->cluster.credentials == "/etc/tanda/tanda.creds");
    CHECK(c->cluster.stream == "TANDA");
    CHECK(c->cluster.replicas == 3);
    CHECK(c->cluster.max_lag == std::chrono::seconds(5));
    CHECK(c->cluster.crl_lease == std::chrono::seconds(10));
}

TEST_CASE("cluster problems carry their line", "[config][cluster]") {
    CHECK_THAT(problems_of(kMinimalConfig + "cluster:\n  node: a\n"),
               Catch::Contains("/etc/tanda/tanda.yaml:8: 'cluster' needs 'servers'"));
    CHECK_THAT(problems_of(kMinimalConfig + "cluster:\n  node: a\n  servers:\n"
                                            "    - http://x:4222\n"),
               Catch::Contains(":10: cluster.servers: 'http://x:4222' is not a nats://"));
    CHECK_THAT(problems_of(kMinimalConfig + "cluster:\n  node: a\n  servers: [nats://x:4222]\n"
                                            "  stream: tanda.journal\n"),
               Catch::Contains(":10: cluster.stream 'tanda.journal' is not a JetStream stream"));
    CHECK_THAT(problems_of(kMinimalConfig + "cluster:\n  node: a\n  servers: [nats://x:4222]\n"
                                            "  replicas: 7\n"),
               Catch::Contains(":10:"));
    CHECK_THAT(problems_of(kMinimalConfig + "cluster:\n  node: a\n  servers: [nats://x:4222]\n"
                                            "  tls: {cert: a.pem}\n"),
               Catch::Contains("cluster.tls needs both 'cert' and 'key'"));
    // A lease shorter than its renewal round trips would change hands all the time.
    CHECK_THAT(problems_of(kMinimalConfig + "cluster:\n  node: a\n  servers: [nats://x:4222]\n"
                                            "  crl_lease: 1s\n"),
               Catch::Contains(":10:"));
}
