#include "config/crl_config.hpp"

#include <catch2/catch.hpp>

#include "tests/unit/config/config_test_support.hpp"

#include "config/config.hpp"

using namespace tanda;
using config::parse_config;

using tanda::test::problems_of;

namespace {

std::string config_with(const std::string& ca_extra, bool delegated = false) {
    return "storage:\n  path: data\ncas:\n  - name: demo\n    issuer_certificate: ca.pem\n" +
           std::string(delegated ? "    signer_certificate: ocsp.pem\n    signer_key: ocsp.key\n"
                                 : "    signer_key: ca.key\n") +
           ca_extra;
}


}  // namespace

TEST_CASE("CRLs are on by default when the CA key is known", "[config][crl]") {
    auto c = parse_config(config_with(""), "/etc/tanda/tanda.yaml");
    REQUIRE(c);
    const auto& crl = c->cas[0].crl;
    CHECK(crl.enabled);
    CHECK(crl.signing_key == "/etc/tanda/ca.key");
    CHECK(crl.validity == std::chrono::hours(24 * 7));
    CHECK(crl.regenerate_before == std::chrono::hours(24 * 3));
    CHECK(crl.debounce == std::chrono::seconds(2));
    CHECK(!crl.keep_expired);
    CHECK(!crl.delta.enabled);
    CHECK(c->state_dir == "/etc/tanda/data/crl");
}

TEST_CASE("a delegated OCSP signer needs crl.signing_key, else CRLs are off", "[config][crl]") {
    auto off = parse_config(config_with("", true), "/etc/tanda/tanda.yaml");
    REQUIRE(off);
    CHECK(!off->cas[0].crl.enabled);
    auto on = parse_config(config_with("    crl:\n      signing_key: ca.key\n", true), "/x/t.yaml");
    REQUIRE(on);
    CHECK(on->cas[0].crl.enabled);
    CHECK(on->cas[0].crl.signing_key == "/x/ca.key");
    CHECK(problems_of(config_with("    crl:\n      enabled: true\n", true)) ==
          "/etc/tanda/tanda.yaml:9: CA 'demo': CRLs are signed with the CA key, and OCSP uses a "
          "delegated signer: set 'crl.signing_key' to the CA's private key\n");
    // In a cluster the same is a node that serves the CRLs a node with the key signs.
    auto follower = parse_config(config_with("    crl:\n      enabled: true\n", true) +
                                     "cluster:\n  node: a\n  servers: [nats://127.0.0.1:4222]\n",
                                 "/etc/tanda/tanda.yaml");
    REQUIRE(follower);
    CHECK(follower->cas[0].crl.enabled);
    CHECK(follower->cas[0].crl.signing_key.empty());
}

TEST_CASE("every crl key is read", "[config][crl]") {
    auto c = parse_config(config_with("    crl:\n"
                                      "      validity: 2d\n"
                                      "      regenerate_before: 12h\n"
                                      "      debounce: 5s\n"
                                      "      keep_expired: true\n"
                                      "      issuing_distribution_point: http://crl.test/demo.crl\n"
                                      "      delta:\n"
                                      "        enabled: true\n"
                                      "        validity: 6h\n"
                                      "        url: http://crl.test/demo-delta.crl\n") +
                              "state_dir: /var/lib/tanda-crl\n",
                          "/etc/tanda/tanda.yaml");
    REQUIRE(c);
    const auto& crl = c->cas[0].crl;
    CHECK(crl.validity == std::chrono::hours(48));
    CHECK(crl.regenerate_before == std::chrono::hours(12));
    CHECK(crl.debounce == std::chrono::seconds(5));
    CHECK(crl.keep_expired);
    CHECK(crl.issuing_distribution_point == "http://crl.test/demo.crl");
    CHECK(crl.delta.enabled);
    CHECK(crl.delta.validity == std::chrono::hours(6));
    CHECK(crl.delta.regenerate_before == std::chrono::hours(3));  // half the validity
    CHECK(crl.delta.url == "http://crl.test/demo-delta.crl");
    CHECK(c->state_dir == "/var/lib/tanda-crl");
}

TEST_CASE("bad crl settings are reported with their lines", "[config][crl]") {
    auto [extra, expected] = GENERATE(table<std::string, std::string>({
        {"    crl:\n      validity: 1d\n      regenerate_before: 1d\n",
         "tanda.yaml:9: 'crl.regenerate_before' must be shorter than its validity"},
        {"    crl:\n      delta:\n        enabled: true\n",
         "tanda.yaml:9: 'crl.delta.url' is required"},
        {"    crl:\n      issuing_distribution_point: not a uri\n",
         "tanda.yaml:8: 'issuing_distribution_point' must be a URI"},
        {"    crl:\n      bogus: 1\n", "tanda.yaml:8: unknown key 'bogus' in crl"},
    }));
    CHECK_THAT(problems_of(config_with(extra)), Catch::Contains(expected));
}

TEST_CASE("crl.source: import serves an offline CA's CRLs: no key, no delta, no cluster",
          "[config][crl]") {
    // The CA signs OCSP itself: signer_key is its key, yet an offline CA's CRLs are never signed
    // here.
    auto c = parse_config(config_with("    crl:\n      source: import\n"), "/etc/tanda/tanda.yaml");
    REQUIRE(c);
    CHECK(c->cas[0].crl.enabled);
    CHECK(c->cas[0].crl.source == ca::CrlSource::imported);
    CHECK(c->cas[0].crl.signing_key.empty());
    auto local = parse_config(config_with(""), "/etc/tanda/tanda.yaml");
    REQUIRE(local);
    CHECK(local->cas[0].crl.source == ca::CrlSource::local);
    CHECK_THAT(
        problems_of(config_with("    crl:\n      source: import\n      signing_key: k\n", true)),
        Catch::Contains("tanda.yaml:10: CA 'demo': crl.source: import serves the CRLs the "
                        "CA signs elsewhere, delta CRLs included: remove 'crl.signing_key'"));
    CHECK_THAT(problems_of(config_with("    crl:\n      source: import\n      delta: {}\n", true)),
               Catch::Contains("remove 'crl.delta'"));
    CHECK_THAT(problems_of(config_with("    crl:\n      source: elsewhere\n")),
               Catch::Contains("tanda.yaml:8: 'source' must be one of local, import"));
    CHECK_THAT(problems_of(config_with("    crl:\n      source: import\n", true) +
                           "cluster:\n  node: a\n  servers: [nats://127.0.0.1:4222]\n"),
               Catch::Contains("tanda.yaml:9: CA 'demo': crl.source: import is not supported in "
                               "a cluster yet"));
}

TEST_CASE("crl keys that mean nothing for imported CRLs are refused", "[config][crl]") {
    for (const char* key : {"validity: 2d", "regenerate_before: 1d", "debounce: 5s",
                            "keep_expired: true", "issuing_distribution_point: http://x/y.crl"}) {
        INFO(key);
        CHECK_THAT(problems_of(config_with(std::string("    crl:\n      source: import\n      ") +
                                           key + "\n")),
                   Catch::Contains("crl.source: import serves the CRLs the CA signs elsewhere"));
    }
}
