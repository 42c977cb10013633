#include "config/restart_settings.hpp"

#include <catch2/catch.hpp>

#include "tests/unit/config/config_test_support.hpp"

using namespace tanda;
using Names = std::vector<std::string>;

namespace {

const std::string kAdmin =
    tanda::test::kMinimalAdmin + "  listen: {address: 127.0.0.1, port: 9443}\n";

// A full config: listener, storage, two CAs (one publishing CRLs), an admin section.
std::string config_text(const std::string& listen = "port: 8080", const std::string& ec = "",
                        const std::string& more_cas = "", const std::string& admin = kAdmin) {
    return "listen: {address: 127.0.0.1, " + listen + "}\n"
           "storage: {path: data, map_size: 64MiB}\n"
           "cas:\n"
           "  - name: ec\n"
           "    issuer_certificate: ec.pem\n"
           "    signer_certificate: ec-ocsp.pem\n"
           "    signer_key: ec-ocsp.key\n" +
           ec +
           "  - name: rsa\n"
           "    issuer_certificate: rsa.pem\n"
           "    signer_key: rsa.key\n" +
           more_cas + admin;
}

config::Config parse(const std::string& text) {
    auto c = config::parse_config(text, "/etc/tanda/tanda.yaml");
    if (!c) FAIL(c.error().front().to_string());
    return *c;
}

Names changes(const std::string& running, const std::string& next) {
    return config::restart_only_changes(parse(running), parse(next));
}

}  // namespace

TEST_CASE("OCSP settings of the CAs reload: nothing needs a restart", "[config][reload]") {
    CHECK(changes(config_text(), config_text()).empty());
    // A new signer, other files, other policies: all applied by a reload.
    CHECK(changes(config_text(), config_text("port: 8080",
                                             "    response_validity: 2h\n"
                                             "    nonce: {policy: require}\n"
                                             "    presign: true\n"))
              .empty());
}

TEST_CASE("listener, storage, pool and state settings are named when they differ",
          "[config][reload]") {
    auto running = config_text();
    CHECK(changes(running, config_text("port: 8081")) == Names{"listen.port"});
    CHECK(changes(running, config_text("port: 8080, threads: 3, shutdown_grace: 9s")) ==
          Names{"listen.threads", "listen.shutdown_grace"});
    CHECK(changes(running, config_text("port: 8080, path_prefix: /ocsp")) ==
          Names{"listen.path_prefix"});
    auto other = running;
    other.replace(other.find("path: data"), 10, "path: elsewhere");
    // state_dir defaults to <storage.path>/crl, so it moves too.
    CHECK(changes(running, other) == Names{"storage.path", "state_dir"});
    CHECK(changes(running, running + "responder: {cache_entries: 5, signing_queue: 9}\n") ==
          Names{"responder.cache_entries", "responder.signing_queue"});
    CHECK(changes(running, config_text("port: 8080, access_log: true")) ==
          Names{"listen.access_log"});
    CHECK(changes(running, running + "metrics: {enabled: false}\n") == Names{"metrics"});
    CHECK(changes(running, running + "metrics: {listen: {port: 9103}}\n") ==
          Names{"metrics.listen.port"});
    const std::string hook = "notify:\n  - {name: ra, url: 'https://ra.example/h', "
                             "ca_file: ra.pem, secret_file: ra.secret";
    CHECK(changes(running, running + hook + "}\n") == Names{"notify"});
    CHECK(changes(running + hook + "}\n", running + hook + ", timeout: 3s}\n") ==
          Names{"notify"});
    CHECK(changes(running + hook + "}\n", running + hook + "}\n").empty());
}

TEST_CASE("CRL publishing keeps the CAs it started with, the admin API follows them",
          "[config][reload]") {
    auto running = config_text();
    // The rsa CA signs itself, so it publishes CRLs; ec (delegated) does not.
    CHECK(changes(running, config_text("port: 8080", "    crl: {signing_key: ec.key}\n")) ==
          Names{"cas[ec].crl"});
    const std::string added = "  - name: third\n"
                              "    issuer_certificate: third.pem\n"
                              "    signer_key: third.key\n";
    CHECK(changes(running, config_text("port: 8080", "", added)) == Names{"cas[third].crl"});
    CHECK(changes(config_text("port: 8080", "", added), running) == Names{"cas[third].crl"});
    // An added CA that publishes no CRL reloads whole, admin API included.
    const std::string no_crl = added + "    crl: {enabled: false}\n";
    CHECK(changes(running, config_text("port: 8080", "", no_crl)).empty());
    CHECK(changes(config_text("port: 8080", "", "", ""),
                  config_text("port: 8080", "", no_crl, ""))
              .empty());
    // Its admin rules, though, are the running ones (the defaults): changing them needs a restart.
    const std::string lenient = no_crl + "    allow_unregistered: true\n";
    CHECK(changes(running, config_text("port: 8080", "", lenient)) == Names{"admin.cas"});
}

TEST_CASE("admin settings are named when they differ", "[config][reload]") {
    auto running = config_text();
    CHECK(changes(running, config_text("port: 8080", "", "", "")) == Names{"admin"});
    auto admin = kAdmin;
    admin.replace(admin.find("9443"), 4, "9444");
    admin.replace(admin.find("CN=Op,"), 6, "CN=Ops,");
    CHECK(changes(running, config_text("port: 8080", "", "", admin)) ==
          Names{"admin.listen.port", "admin.roles"});
    CHECK(changes(running, config_text("port: 8080", "    allow_single_approver: true\n")) ==
          Names{"admin.cas"});
    CHECK(changes(running, config_text("port: 8080", "", "",
                                       kAdmin + "  max_handshakes: 16\n"
                                                "  max_handshakes_per_source: 2\n")) ==
          Names{"admin.max_handshakes", "admin.max_handshakes_per_source"});
}

TEST_CASE("a role's scope and require_ca_approver need a restart", "[config][reload][scope]") {
    auto running = config_text();
    auto scoped = kAdmin;
    const std::string role = R"(subject: "CN=Op,O=X,C=ID"})";
    scoped.replace(scoped.find(role), role.size(),
                   R"(subject: "CN=Op,O=X,C=ID", scope: {attributes: ["O=Natuna"]}})");
    CHECK(changes(running, config_text("port: 8080", "", "", scoped)) == Names{"admin.roles"});
    auto wider = scoped;
    wider.replace(wider.find("O=Natuna"), 8, "O=Anambas");
    CHECK(changes(config_text("port: 8080", "", "", scoped),
                  config_text("port: 8080", "", "", wider)) == Names{"admin.roles"});
    CHECK(changes(running, config_text("port: 8080", "    require_ca_approver: true\n")) ==
          Names{"admin.cas"});
}
