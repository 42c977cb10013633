#include "config/checkpoint_config.hpp"

#include <catch2/catch.hpp>

#include "config/config.hpp"
#include "tests/unit/config/config_test_support.hpp"

using namespace tanda;
using config::parse_config;
using tanda::test::problems_of;

namespace {

const std::string kBase = tanda::test::kMinimalConfig + tanda::test::kMinimalAdmin;

}  // namespace

TEST_CASE("without a checkpoint section there are no checkpoints", "[config][checkpoint]") {
    auto c = parse_config(kBase, "/etc/tanda/tanda.yaml");
    REQUIRE(c);
    CHECK_FALSE(c->checkpoint.enabled);
}

TEST_CASE("the checkpoint section is read with paths resolved", "[config][checkpoint]") {
    auto c = parse_config(kBase +
                              "checkpoint:\n  certificate: ckpt.pem\n  key: ckpt.key\n"
                              "  directory: /var/lib/tanda/checkpoints\n",
                          "/etc/tanda/tanda.yaml");
    REQUIRE(c);
    CHECK(c->checkpoint.enabled);
    CHECK(c->checkpoint.certificate == "/etc/tanda/ckpt.pem");
    CHECK(c->checkpoint.key == "/etc/tanda/ckpt.key");
    CHECK(c->checkpoint.directory == "/var/lib/tanda/checkpoints");
    CHECK(c->checkpoint.interval == std::chrono::hours(1));
    // The key is checked for permissions like every private key, at its line.
    bool listed = false;
    for (const auto& k : c->key_files) {
        listed = listed || (k.path == "/etc/tanda/ckpt.key" && k.line == 15);
    }
    CHECK(listed);
    auto on_demand = parse_config(kBase +
                                      "checkpoint:\n  certificate: c\n  key: k\n"
                                      "  directory: d\n  interval: 0\n",
                                  "/etc/tanda/tanda.yaml");
    REQUIRE(on_demand);
    CHECK(on_demand->checkpoint.interval == std::chrono::seconds(0));
}

TEST_CASE("checkpoint problems carry their line", "[config][checkpoint]") {
    CHECK_THAT(problems_of(kBase + "checkpoint:\n  certificate: c\n  interval: 1x\n"),
               Catch::Contains("/etc/tanda/tanda.yaml:14: 'checkpoint' needs 'key'"));
    CHECK_THAT(problems_of(kBase + "checkpoint:\n  certificate: c\n  key: k\n  directory: d\n"
                                   "  colour: red\n"),
               Catch::Contains("/etc/tanda/tanda.yaml:17:"));
    // Without the admin listener nothing could fetch or make a checkpoint on demand.
    const std::string no_admin = kBase.substr(0, kBase.find("admin:"));
    CHECK_THAT(problems_of(no_admin + "checkpoint:\n  certificate: c\n  key: k\n  directory: d\n"),
               Catch::Contains(":8: 'checkpoint' needs the 'admin' section"));
}
