#include "config/notify_config.hpp"

#include <catch2/catch.hpp>

#include "config/config.hpp"
#include "tests/unit/config/config_test_support.hpp"

using namespace tanda;
using config::parse_config;
using tanda::test::kMinimalConfig;
using tanda::test::problems_of;

TEST_CASE("without a notify section there are no webhook targets", "[config][notify]") {
    auto c = parse_config(kMinimalConfig, "/etc/tanda/tanda.yaml");
    REQUIRE(c);
    CHECK(c->notify.empty());
}

TEST_CASE("notify targets are read with paths resolved and defaults", "[config][notify]") {
    auto c = parse_config(kMinimalConfig +
                              "notify:\n  - name: ra\n    url: https://ra.example:8443/hooks\n"
                              "    ca_file: ra-ca.pem\n    secret_file: /etc/tanda/ra.secret\n"
                              "    timeout: 3s\n",
                          "/etc/tanda/tanda.yaml");
    REQUIRE(c);
    REQUIRE(c->notify.size() == 1);
    const auto& t = c->notify[0];
    CHECK(t.name == "ra");
    CHECK(t.url == "https://ra.example:8443/hooks");
    CHECK(t.ca_file == "/etc/tanda/ra-ca.pem");
    CHECK(t.secret_file == "/etc/tanda/ra.secret");
    CHECK(t.timeout == std::chrono::seconds(3));
    CHECK(t.max_backoff == std::chrono::seconds(300));
    CHECK(t.location == "/etc/tanda/tanda.yaml:8");
    // The secret is checked for permissions like a private key.
    bool listed = false;
    for (const auto& k : c->key_files) listed = listed || k.path == "/etc/tanda/ra.secret";
    CHECK(listed);
}

TEST_CASE("notify problems carry their line", "[config][notify]") {
    auto all = problems_of(kMinimalConfig +
                           "notify:\n"
                           "  - name: ra\n"                     // 8
                           "    url: http://ra.example/hook\n"  // 9
                           "    ca_file: ca.pem\n"
                           "    secret_file: s\n"
                           "  - name: ra\n"  // 12: duplicate, no url
                           "    ca_file: ca.pem\n"
                           "    secret_file: s\n"
                           "    colour: red\n");  // 15
    CHECK_THAT(all, Catch::Contains("/etc/tanda/tanda.yaml:9: a notify target's 'url' must be"));
    CHECK_THAT(all, Catch::Contains("/etc/tanda/tanda.yaml:12: duplicate notify target name"));
    CHECK_THAT(all, Catch::Contains("/etc/tanda/tanda.yaml:12: a notify target needs 'url'"));
    CHECK_THAT(all, Catch::Contains("/etc/tanda/tanda.yaml:15:"));
    CHECK_THAT(problems_of(kMinimalConfig + "notify: yes\n"),
               Catch::Contains(":7: 'notify' must be a list"));
    CHECK_THAT(problems_of(kMinimalConfig + "notify:\n  - name: Bad Name\n    url: https://h/\n"
                                            "    ca_file: c\n    secret_file: s\n"),
               Catch::Contains(":8: a notify target's 'name'"));
}
