#include "config/config.hpp"

#include <catch2/catch.hpp>

#include "tests/unit/config/config_test_support.hpp"

using namespace tanda;
using config::parse_config;

using tanda::test::problems_of;

namespace {

const std::string kBase = R"(storage:
  path: data
cas:
  - name: demo
    issuer_certificate: ca.pem
    signer_key: ca.key
    allow_single_approver: true
  - name: other
    issuer_certificate: other.pem
    signer_key: other.key
)";


}  // namespace

TEST_CASE("no admin section: no admin listener, per-CA defaults", "[config][admin]") {
    auto c = parse_config(kBase, "/etc/tanda/tanda.yaml");
    REQUIRE(c);
    CHECK_FALSE(c->admin.enabled);
    REQUIRE(c->admin.cas.size() == 2);
    CHECK(c->admin.cas[0].allow_single_approver);
    CHECK_FALSE(c->admin.cas[0].allow_unregistered);
    CHECK_FALSE(c->admin.cas[1].allow_single_approver);
    CHECK(c->admin.listen.port == 8443);
    // An operator's handshake takes milliseconds; 5 s only bounds a silent client.
    CHECK(c->admin.handshake_timeout == std::chrono::seconds(5));
    CHECK(c->admin.max_handshakes == 32);
    CHECK(c->admin.max_handshakes_per_source == 8);
}

TEST_CASE("a complete admin section", "[config][admin]") {
    auto c = parse_config(kBase + R"(admin:
  listen: {address: 127.0.0.1, port: 9443}
  server_certificate: admin.pem
  server_key: admin.key
  client_ca: clients.pem
  handshake_timeout: 3s
  max_handshakes: 20
  max_handshakes_per_source: 4
  roles:
    - {role: operator, subject: "CN=Op,O=X,C=ID"}
    - {role: auditor, spki_sha256: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA}
  rate_limit: {max_failures: 3, window: 1m, block: 10m}
)",
                          "/etc/tanda/tanda.yaml");
    REQUIRE(c);
    CHECK(c->admin.enabled);
    CHECK(c->admin.listen.port == 9443);
    CHECK(c->admin.server_certificate == "/etc/tanda/admin.pem");
    CHECK(c->admin.handshake_timeout == std::chrono::seconds(3));
    CHECK(c->admin.max_handshakes == 20);
    CHECK(c->admin.max_handshakes_per_source == 4);
    REQUIRE(c->admin.roles.size() == 2);
    CHECK(c->admin.roles[0].role == admin::Role::operator_);
    CHECK(c->admin.roles[1].spki_sha256 == std::string(64, 'a'));
    CHECK(c->admin.rate_limit.block == std::chrono::seconds(600));
    // Every private key is listed for the permission check, at the line naming it.
    REQUIRE(c->key_files.size() == 3);
    CHECK(c->key_files[0].path == "/etc/tanda/ca.key");
    CHECK(c->key_files[1].path == "/etc/tanda/other.key");
    CHECK(c->key_files[2].path == "/etc/tanda/admin.key");
    CHECK(c->key_files[2].what == "admin server_key");
    CHECK(c->key_files[2].line == 14);
}

TEST_CASE("admin section problems carry their line", "[config][admin]") {
    auto all = problems_of(kBase + R"(admin:
  server_certificate: admin.pem
  roles:
    - {role: boss, subject: "CN=Op"}
    - {role: auditor}
    - {role: auditor, spki_sha256: "12"}
  colour: red
)");
    CHECK(all.find("'admin' needs 'server_key'") != std::string::npos);
    CHECK(all.find("tanda.yaml:14:") != std::string::npos);  // role: boss
    CHECK(all.find("exactly one of 'subject' or 'spki_sha256'") != std::string::npos);
    CHECK(all.find("64 hex digits") != std::string::npos);
    CHECK(all.find("colour") != std::string::npos);
    CHECK(problems_of(kBase + "admin:\n  server_certificate: a\n  server_key: b\n  client_ca: c\n")
              .find("'admin.roles' must list") != std::string::npos);
    // Left empty is null, not a path.
    CHECK(problems_of(kBase + "admin:\n  server_certificate: a\n  server_key:\n  client_ca: c\n"
                              "  roles: [{role: auditor, subject: CN=A}]\n")
              .find("'admin' needs 'server_key'") != std::string::npos);
    CHECK(problems_of(kBase + "admin:\n  server_certificate: a\n  server_key: b\n  client_ca: c\n"
                              "  roles: [{role: ~, subject: CN=A}]\n")
              .find("needs 'role: operator' or 'role: auditor'") != std::string::npos);
}

TEST_CASE("handshake caps: bounded, below max_connections, defaults that fit", "[config][admin]") {
    const std::string admin = kBase +
                              "admin:\n  server_certificate: a\n  server_key: b\n  client_ca: c\n"
                              "  roles: [{role: auditor, subject: CN=A}]\n";
    auto zero = problems_of(admin + "  max_handshakes: 0\n");
    CHECK(zero.find("tanda.yaml:16:") != std::string::npos);
    CHECK(zero.find("max_handshakes") != std::string::npos);
    CHECK(problems_of(admin + "  max_handshakes_per_source: 10001\n")
              .find("tanda.yaml:16:") != std::string::npos);
    auto all_slots = problems_of(admin + "  max_handshakes: 100\n");
    CHECK(all_slots.find("tanda.yaml:16:") != std::string::npos);
    CHECK(all_slots.find("must be below admin.listen.max_connections (100)") !=
          std::string::npos);
    auto per_source =
        problems_of(admin + "  max_handshakes: 10\n  max_handshakes_per_source: 11\n");
    CHECK(per_source.find("tanda.yaml:17:") != std::string::npos);
    CHECK(per_source.find("must not exceed max_handshakes (10)") != std::string::npos);
    // Left out, the caps shrink to fit a small listener: half of it for handshakes.
    auto small = parse_config(admin + "  listen: {max_connections: 10}\n", "/etc/tanda/t.yaml");
    REQUIRE(small);
    CHECK(small->admin.max_handshakes == 5);
    CHECK(small->admin.max_handshakes_per_source == 5);
}

TEST_CASE("dual control: approvals 2 and 72h pending_ttl by default, set per CA",
          "[config][admin]") {
    auto defaults = parse_config(kBase, "/etc/tanda/tanda.yaml");
    REQUIRE(defaults);
    CHECK(defaults->admin.cas[0].approvals == 2);
    CHECK(defaults->admin.cas[0].pending_ttl == std::chrono::seconds(0));  // the global one
    CHECK(defaults->admin.pending_ttl == std::chrono::hours(72));

    std::string text = kBase;
    text.replace(text.find("    allow_single_approver: true\n"),
                 std::string("    allow_single_approver: true\n").size(),
                 "    approvals: 1\n    pending_ttl: 3s\n");
    auto c = parse_config(text + tanda::test::kMinimalAdmin + "  pending_ttl: 1d\n",
                          "/etc/tanda/tanda.yaml");
    REQUIRE(c);
    CHECK(c->admin.cas[0].approvals == 1);
    CHECK(c->admin.cas[0].pending_ttl == std::chrono::seconds(3));
    CHECK(c->admin.cas[1].approvals == 2);
    CHECK(c->admin.pending_ttl == std::chrono::hours(24));
}

TEST_CASE("approvals other than 1 or 2 is refused with file and line", "[config][admin]") {
    auto value = GENERATE(std::string("0"), std::string("3"), std::string("two"));
    std::string text = kBase;
    text.replace(text.find("    allow_single_approver: true\n"),
                 std::string("    allow_single_approver: true\n").size(),
                 "    approvals: " + value + "\n");
    auto all = problems_of(text);
    CHECK_THAT(all, Catch::Contains("/etc/tanda/tanda.yaml:7"));
    CHECK_THAT(all, Catch::Contains("'approvals'"));
}

TEST_CASE("role scopes: attributes, an OU prefix and CAs", "[config][admin][scope]") {
    auto c = parse_config(kBase + R"(admin:
  server_certificate: admin.pem
  server_key: admin.key
  client_ca: clients.pem
  roles:
    - {role: operator, subject: "CN=CA Op,O=BSrE,C=ID"}
    - role: operator
      subject: "CN=Op Natuna,O=Pemerintah Kabupaten Natuna,C=ID"
      scope:
        attributes: ["O=Pemerintah Kabupaten Natuna", 'o = Natuna\, Kepri']
        ou_prefix: Diskominfo
        cas: [demo]
)",
                          "/etc/tanda/tanda.yaml");
    REQUIRE(c);
    REQUIRE(c->admin.roles.size() == 2);
    CHECK_FALSE(c->admin.roles[0].scope);
    REQUIRE(c->admin.roles[1].scope);
    const auto& s = *c->admin.roles[1].scope;
    CHECK(s.attributes ==
          std::vector<std::string>{"O=Pemerintah Kabupaten Natuna", R"(o = Natuna\, Kepri)"});
    CHECK(s.ou_prefix == "Diskominfo");
    CHECK(s.cas == std::vector<std::string>{"demo"});
    CHECK(c->admin.roles[1].location == "/etc/tanda/tanda.yaml:17");
}

TEST_CASE("role scope mistakes are reported at their line", "[config][admin][scope]") {
    const std::string head = kBase + R"(admin:
  server_certificate: admin.pem
  server_key: admin.key
  client_ca: clients.pem
  roles:
    - role: operator
      subject: "CN=Op,O=X,C=ID"
)";
    // Line 18 is `scope:`; its keys follow.
    CHECK_THAT(problems_of(head + "      scope: {}\n"),
               Catch::Contains("tanda.yaml:18:") && Catch::Contains("needs 'attributes'"));
    CHECK_THAT(problems_of(head + "      scope: {attributes: [\"Pemerintah Natuna\"]}\n"),
               Catch::Contains("tanda.yaml:18:") && Catch::Contains("one TYPE=value"));
    // A whole DN or a multi-valued RDN is not one attribute; an unescaped comma splits.
    for (const char* bad : {"CN=x,O=Natuna", "O=Natuna+OU=Diskominfo", "O=", "=Natuna",
                            "O N=Natuna"}) {
        INFO(bad);
        CHECK_THAT(problems_of(head + "      scope: {attributes: [\"" + bad + "\"]}\n"),
                   Catch::Contains("one TYPE=value"));
    }
    CHECK_THAT(problems_of(head + "      scope: {attributes: ['O=Natuna\\']}\n"),
               Catch::Contains("one TYPE=value"));  // a trailing '\' escapes nothing
    CHECK_THAT(problems_of(head + "      scope: {attributes: O=Natuna}\n"),
               Catch::Contains("'attributes' must be a list"));
    CHECK_THAT(problems_of(head + "      scope: {cas: [demo, nope]}\n"),
               Catch::Contains("tanda.yaml:18:") && Catch::Contains("CA 'nope'"));
    CHECK_THAT(problems_of(head + "      scope: {ou_prefix: x, region: y}\n"),
               Catch::Contains("region"));
}

TEST_CASE("require_ca_approver needs two approvals", "[config][admin][scope]") {
    auto c = parse_config(tanda::test::kMinimalConfig + "    require_ca_approver: true\n",
                          "/etc/tanda/tanda.yaml");
    REQUIRE(c);
    CHECK(c->admin.cas[0].require_ca_approver);
    CHECK_FALSE(parse_config(kBase, "/etc/tanda/tanda.yaml")->admin.cas[0].require_ca_approver);
    CHECK_THAT(problems_of(tanda::test::kMinimalConfig +
                           "    approvals: 1\n    require_ca_approver: true\n"),
               Catch::Contains("tanda.yaml:8:") && Catch::Contains("needs 'approvals: 2'"));
}
