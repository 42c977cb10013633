#include "config/config.hpp"

#include <catch2/catch.hpp>

#include "tests/unit/config/config_test_support.hpp"

using namespace tanda;
using config::parse_config;

using tanda::test::kMinimalConfig;
using tanda::test::problems_of;

TEST_CASE("a minimal config gets every default and absolute paths", "[config]") {
    auto c = parse_config(kMinimalConfig, "/etc/tanda/tanda.yaml");
    REQUIRE(c);
    CHECK(c->listen.address == "127.0.0.1");
    CHECK(c->listen.port == 8080);
    CHECK(c->storage.path == "/etc/tanda/data");
    REQUIRE(c->cas.size() == 1);
    const auto& ca = c->cas[0];
    CHECK(ca.name == "demo");
    CHECK(ca.issuer_certificate == "/etc/tanda/ca.pem");
    CHECK(ca.signer_certificate == "/etc/tanda/ca.pem");  // CA-signed when omitted
    CHECK(ca.signer_key == "/etc/tanda/ca.key");
    CHECK(ca.response_validity == std::chrono::hours(24));
    CHECK(ca.nonce_policy == ca::NoncePolicy::echo);
    CHECK(ca.nonce_min_length == 1);
    CHECK(ca.nonce_max_length == 128);
    CHECK(ca.unknown_serials == ca::UnknownSerialPolicy::unknown);
    CHECK(ca.expired == ca::ExpiredPolicy::archive);
    CHECK(ca.issuer_revocation == ca::IssuerRevocationPolicy::inherit);  // on unless turned off
    CHECK_FALSE(ca.archive_retention);
    CHECK_FALSE(ca.rsa_pss);  // PKCS#1 v1.5 unless asked (or an RSA-PSS key)
    CHECK(ca.location == "/etc/tanda/tanda.yaml:4");
}

TEST_CASE("the documented example config is valid", "[config]") {
    auto c = config::load_config(TANDA_EXAMPLE_CONFIG);
    if (!c) {
        for (const auto& p : c.error()) FAIL(p.to_string());
    }
    REQUIRE(c);
    CHECK(c->responder.path_prefix == "/ocsp");
    CHECK(c->storage.map_size == (1ull << 30));
    CHECK(c->cas.at(0).signer_certificate.ends_with("ocsp.pem"));
}

TEST_CASE("every key is read", "[config]") {
    auto c = parse_config(R"(listen:
  address: "::1"
  port: 0
  path_prefix: /status/ocsp
  threads: 3
  max_connections: 50
  max_header_bytes: 2KiB
  max_uri_bytes: 1KiB
  max_body_bytes: 4KiB
  idle_timeout: 5s
  header_timeout: 2s
  slow_header_grace: 3s
  body_timeout: 3s
  write_timeout: 4s
  shutdown_grace: 1s
storage: {path: /var/lib/tanda, map_size: 10GiB, max_readers: 64}
cas:
  - name: rsa-ca
    issuer_certificate: /pki/ca.pem
    signer_certificate: /pki/ocsp.pem
    signer_key: /pki/ocsp.key
    response_validity: 4h
    backdate: 1m
    max_certids: 4
    unknown_serials: revoked
    issuer_revocation: ignore
    nonce: {policy: require, min_length: 16, max_length: 32}
    expired: {policy: archive, retention: 10y}
    rsa_padding: pss
)",
                          "/x/t.yaml");
    REQUIRE(c);
    CHECK(c->listen.address == "::1");
    CHECK(c->listen.port == 0);
    CHECK(c->responder.path_prefix == "/status/ocsp");
    CHECK(c->listen.threads == 3);
    CHECK(c->listen.max_connections == 50);
    CHECK(c->listen.max_header_bytes == 2048);
    CHECK(c->listen.max_uri_bytes == 1024);
    CHECK(c->listen.max_body_bytes == 4096);
    CHECK(c->listen.idle_timeout.count() == 5);
    CHECK(c->listen.header_timeout.count() == 2);
    CHECK(c->listen.slow_header_grace.count() == 3);
    CHECK(c->listen.body_timeout.count() == 3);
    CHECK(c->listen.write_timeout.count() == 4);
    CHECK(c->listen.shutdown_grace.count() == 1);
    CHECK(c->storage.map_size == (10ull << 30));
    CHECK(c->storage.max_readers == 64);
    const auto& ca = c->cas.at(0);
    CHECK(ca.signer_certificate == "/pki/ocsp.pem");
    CHECK(ca.response_validity == std::chrono::hours(4));
    CHECK(ca.backdate == std::chrono::minutes(1));
    CHECK(ca.max_certids == 4);
    CHECK(ca.unknown_serials == ca::UnknownSerialPolicy::revoked);
    CHECK(ca.issuer_revocation == ca::IssuerRevocationPolicy::ignore);
    CHECK(ca.nonce_policy == ca::NoncePolicy::require);
    CHECK(ca.nonce_min_length == 16);
    CHECK(ca.nonce_max_length == 32);
    CHECK(ca.archive_retention == std::chrono::seconds(10LL * 365 * 86400));
    CHECK(ca.rsa_pss);
}

TEST_CASE("problems are reported with file and line, all of them", "[config]") {
    std::string all = problems_of(R"(listen:
  prot: 8080
  port: eighty
storage:
  path: data
cas:
  - name: Bad Name
    issuer_certificate: ca.pem
    signer_key: ca.key
    response_validity: forever
    nonce: {policy: sometimes}
  - name: ok
    signer_key: k.pem
)");
    CHECK_THAT(all, Catch::Contains("/etc/tanda/tanda.yaml:2: unknown key 'prot' in listen"));
    CHECK_THAT(all, Catch::Contains("/etc/tanda/tanda.yaml:3: 'port' must be a whole number"));
    CHECK_THAT(all, Catch::Contains("/etc/tanda/tanda.yaml:7: CA 'name' must be"));
    CHECK_THAT(all,
               Catch::Contains("/etc/tanda/tanda.yaml:10: 'response_validity' must be a duration"));
    CHECK_THAT(all, Catch::Contains(
                        "/etc/tanda/tanda.yaml:11: 'policy' must be one of echo, ignore, require"));
    CHECK_THAT(all,
               Catch::Contains("/etc/tanda/tanda.yaml:12: CA 'ok' needs 'issuer_certificate'"));
}

TEST_CASE("structural problems", "[config]") {
    auto [text, expected] = GENERATE(table<std::string, std::string>({
        {"cas: [", "tanda.yaml:1: YAML syntax"},
        {"- just a list", "the config file must be a mapping"},
        {"storage: {path: d}\n", "'cas' is required"},
        {"cas:\n  - {name: a, issuer_certificate: c, signer_key: k}\n",
         "'storage.path' is required"},
        {"storage: {path: d}\ncas: []\n", "'cas' must be a non-empty list"},
        // A required key left empty is null in YAML, not a path (found by the config fuzzer).
        {"storage: {path: d}\ncas:\n  - {name: a, issuer_certificate: c, signer_key: }\n",
         "tanda.yaml:3: CA 'a' needs 'signer_key'"},
        {"storage: {path: d}\ncas:\n  - {name: a, issuer_certificate: ~, signer_key: k}\n",
         "tanda.yaml:3: CA 'a' needs 'issuer_certificate'"},
        {"storage: {path: d}\ncas:\n  - {name: a, issuer_certificate: c, signer_key: k}\n"
         "  - {name: a, issuer_certificate: c, signer_key: k}\n",
         "tanda.yaml:4: duplicate CA name 'a'"},
        {"storage: {path: d, map_size: 1KiB}\ncas:\n  - {name: a, issuer_certificate: c, "
         "signer_key: k}\n",
         "'map_size' must be between"},
        {"storage: {path: d}\nlisten: {path_prefix: ocsp/}\ncas:\n  - {name: a, "
         "issuer_certificate: c, signer_key: k}\n",
         "'path_prefix' must look like /ocsp"},
        {"storage: {path: d}\ncas:\n  - {name: a, issuer_certificate: c, signer_key: k, nonce: "
         "{min_length: 40, max_length: 20}}\n",
         "nonce min_length is greater than max_length"},
        {"storage: {path: d}\ncas:\n  - {name: a, issuer_certificate: c, signer_key: k,\n"
         "     issuer_revocation: yes}\n",
         "tanda.yaml:4: 'issuer_revocation' must be one of inherit, ignore"},
    }));
    INFO(text);
    CHECK_THAT(problems_of(text), Catch::Contains(expected));
}

TEST_CASE("an unreadable file is a problem of the whole file", "[config]") {
    auto c = config::load_config("/nonexistent/tanda.yaml");
    REQUIRE_FALSE(c);
    CHECK(c.error().at(0).to_string() == "/nonexistent/tanda.yaml: cannot be read");
}

TEST_CASE("a CA's requests section: signature policy and trusted requestors", "[config]") {
    auto plain = parse_config(kMinimalConfig, "/etc/tanda/tanda.yaml");
    REQUIRE(plain);
    CHECK(plain->cas[0].requests.signature == ca::RequestSignaturePolicy::optional);
    CHECK(plain->cas[0].requests.trusted_requestors.empty());

    auto c = parse_config(R"(storage: {path: d}
cas:
  - name: a
    issuer_certificate: c
    signer_key: k
    requests:
      signature: required
      trusted_requestors: ra/requestors.pem
)",
                          "/etc/tanda/tanda.yaml");
    REQUIRE(c);
    const auto& r = c->cas[0].requests;
    CHECK(r.signature == ca::RequestSignaturePolicy::required);
    CHECK(r.trusted_requestors == "/etc/tanda/ra/requestors.pem");
    CHECK(r.trusted_requestors_location == "/etc/tanda/tanda.yaml:8");

    std::string bad = problems_of(R"(storage: {path: d}
cas:
  - name: a
    issuer_certificate: c
    signer_key: k
    requests:
      signature: sometimes
      trusted: x.pem
)");
    CHECK_THAT(bad, Catch::Contains(
                        "/etc/tanda/tanda.yaml:7: 'signature' must be one of optional, required"));
    CHECK_THAT(bad, Catch::Contains("/etc/tanda/tanda.yaml:8: unknown key 'trusted' in requests"));
}
