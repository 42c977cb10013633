#include "config/pkcs11_config.hpp"

#include <catch2/catch.hpp>

#include "config/config.hpp"
#include "tests/unit/config/config_test_support.hpp"

using namespace tanda;
using config::parse_config;
using tanda::test::problems_of;

namespace {

const std::string kUri = "pkcs11:token=tanda;object=ocsp-signer;type=private";

std::string with_key(const std::string& key, const std::string& rest = "") {
    return "storage:\n  path: data\ncas:\n  - name: demo\n    issuer_certificate: ca.pem\n"
           "    signer_key: \"" +
           key + "\"\n" + rest;
}

}  // namespace

TEST_CASE("a PKCS#11 URI key is kept as written, not made a path", "[config][pkcs11]") {
    auto c =
        parse_config(with_key(kUri + "?pin-source=file:/etc/tanda/pin"), "/etc/tanda/tanda.yaml");
    REQUIRE(c);
    CHECK(c->cas[0].signer_key == kUri + "?pin-source=file:/etc/tanda/pin");
    // The CA signs its own responses, so its CRLs use the same token key.
    CHECK(c->cas[0].crl.signing_key == c->cas[0].signer_key);
    // The PIN file is the secret on disk: its permissions are checked like a key file's.
    REQUIRE(c->key_files.size() == 1);
    CHECK(c->key_files[0].path == "/etc/tanda/pin");
    CHECK(c->key_files[0].what == "CA 'demo' signer_key PIN file");
}

TEST_CASE("a systemd credential PIN leaves no file to check", "[config][pkcs11]") {
    auto c =
        parse_config(with_key(kUri + "?pin-source=credential:tanda-pin"), "/etc/tanda/tanda.yaml");
    REQUIRE(c);
    CHECK(c->key_files.empty());
}

TEST_CASE("a bad PKCS#11 URI is reported at its line", "[config][pkcs11]") {
    CHECK_THAT(problems_of(with_key(kUri + ";pin-value=1234")),
               Catch::Contains("tanda.yaml:6: 'signer_key': PKCS#11 URI") &&
                   Catch::Contains("pin-value is refused") && !Catch::Contains("1234"));
    CHECK_THAT(problems_of(with_key("pkcs11:token=tanda")), Catch::Contains("names no key"));
}

TEST_CASE("pkcs11.module is added to the URIs that name no module", "[config][pkcs11]") {
    const std::string own = "pkcs11:object=ca?module-path=/opt/hsm/lib.so";
    auto c = parse_config(with_key(kUri + "?pin-source=file:/p",
                                   "    signer_certificate: ocsp.pem\n"
                                   "    crl:\n      signing_key: \"" +
                                       own +
                                       "\"\n"
                                       "pkcs11:\n  module: /usr/lib/softhsm/libsofthsm2.so\n"),
                          "/etc/tanda/tanda.yaml");
    REQUIRE(c);
    CHECK(c->cas[0].signer_key ==
          kUri + "?pin-source=file:/p&module-path=/usr/lib/softhsm/libsofthsm2.so");
    CHECK(c->cas[0].crl.signing_key == own);
    auto plain = parse_config(with_key(kUri, "pkcs11:\n  module: /m.so\n"), "/etc/t.yaml");
    REQUIRE(plain);
    CHECK(plain->cas[0].signer_key == kUri + "?module-path=/m.so");
}

TEST_CASE("pkcs11.module must be an absolute path", "[config][pkcs11]") {
    CHECK_THAT(problems_of(with_key(kUri, "pkcs11:\n  module: libsofthsm2.so\n")),
               Catch::Contains("'pkcs11.module' must be an absolute path"));
    CHECK_THAT(problems_of(with_key(kUri, "pkcs11:\n  modul: /m.so\n")),
               Catch::Contains("unknown key 'modul'"));
}

TEST_CASE("pkcs11.max_sessions bounds signatures per token", "[config][pkcs11]") {
    auto defaulted = parse_config(with_key(kUri, ""), "/etc/t.yaml");
    REQUIRE(defaulted);
    CHECK(defaulted->pkcs11_max_sessions == 16);
    auto set = parse_config(with_key(kUri, "pkcs11:\n  max_sessions: 4\n"), "/etc/t.yaml");
    REQUIRE(set);
    CHECK(set->pkcs11_max_sessions == 4);
    CHECK_THAT(problems_of(with_key(kUri, "pkcs11:\n  max_sessions: 17\n")),
               Catch::Contains("max_sessions"));
    CHECK_THAT(problems_of(with_key(kUri, "pkcs11:\n  max_sessions: 0\n")),
               Catch::Contains("max_sessions"));
}
