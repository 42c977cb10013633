#include "pki/pkcs11_uri.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace tanda;
using tanda::pki::parse_pkcs11_uri;

TEST_CASE("PKCS#11 URI: path attributes, query attributes and percent-encoding", "[pki][pkcs11]") {
    auto uri = parse_pkcs11_uri(
        "pkcs11:token=My%20Token;manufacturer=SoftHSM%20project;model=SoftHSM%20v2;serial=0a1b;"
        "object=ocsp%3Bsigner;id=%01%FF;type=private"
        "?pin-source=file:/etc/tanda/pin&module-path=/usr/lib/softhsm/libsofthsm2.so");
    REQUIRE(uri);
    CHECK(uri->token == "My Token");
    CHECK(uri->manufacturer == "SoftHSM project");
    CHECK(uri->model == "SoftHSM v2");
    CHECK(uri->serial == "0a1b");
    CHECK(uri->object == "ocsp;signer");
    CHECK(uri->id == Bytes{std::byte{0x01}, std::byte{0xFF}});
    CHECK(uri->type == "private");
    CHECK(uri->pin_source == "file:/etc/tanda/pin");
    CHECK(uri->module_path == "/usr/lib/softhsm/libsofthsm2.so");
}

TEST_CASE("PKCS#11 URI: the smallest forms", "[pki][pkcs11]") {
    auto by_label = parse_pkcs11_uri("pkcs11:object=ca");
    REQUIRE(by_label);
    CHECK(by_label->pin_source.empty());
    CHECK(by_label->module_path.empty());
    CHECK(by_label->object == "ca");
    CHECK(by_label->id.empty());
    CHECK(by_label->token.empty());
    auto by_id = parse_pkcs11_uri("PKCS11:id=%02?pin-source=credential:tanda-pin");
    REQUIRE(by_id);
    CHECK(by_id->pin_source == "credential:tanda-pin");
    CHECK(by_id->id == Bytes{std::byte{0x02}});
    CHECK(by_id->object.empty());
    CHECK(pki::is_pkcs11_uri("Pkcs11:object=x"));
    CHECK_FALSE(pki::is_pkcs11_uri("/etc/tanda/pkcs11:x"));
    CHECK_FALSE(pki::is_pkcs11_uri("pkcs11"));
}

TEST_CASE("PKCS#11 URI: what is refused, and why", "[pki][pkcs11]") {
    auto [text, why] = GENERATE(table<std::string, std::string>({
        {"file:/etc/key.pem", "does not start with pkcs11:"},
        {"pkcs11:token=t", "names no key"},
        {"pkcs11:object=a;object=b", "'object' is repeated"},
        {"pkcs11:object=a;colour=red", "unknown path attribute 'colour'"},
        {"pkcs11:object=a?colour=red", "unknown query attribute 'colour'"},
        {"pkcs11:object=a;type=cert", "type must be 'private'"},
        {"pkcs11:object=a%2", "bad percent-encoding"},
        {"pkcs11:object=a%zz", "bad percent-encoding"},
        {"pkcs11:object", "not name=value"},
        {"pkcs11:object=a?pin-source=/etc/pin", "file:/path or credential:NAME"},
        {"pkcs11:object=a?pin-source=file:pin", "absolute path"},
        {"pkcs11:object=a?pin-source=credential:../pin", "without '/'"},
        {"pkcs11:object=a?pin-source=credential:", "without '/'"},
        {"pkcs11:object=a?module-path=libsofthsm2.so", "module-path must be an absolute path"},
    }));
    auto uri = parse_pkcs11_uri(text);
    REQUIRE_FALSE(uri);
    CHECK(uri.error().code == ErrorCode::config);
    CHECK_THAT(uri.error().message, Catch::Contains(why));
    CHECK_THAT(uri.error().message, Catch::Contains(text));  // errors name the URI
}

TEST_CASE("PKCS#11 URI: a PIN in the URI is refused and not repeated", "[pki][pkcs11]") {
    auto text = GENERATE(std::string("pkcs11:object=a;pin-value=s3cr3t"),
                         std::string("pkcs11:object=a?pin-value=s3cr3t&module-path=/m.so"),
                         std::string("pkcs11:object=a?pin-value=s3cr3t"));
    auto uri = parse_pkcs11_uri(text);
    REQUIRE_FALSE(uri);
    CHECK_THAT(uri.error().message, Catch::Contains("pin-value is refused"));
    CHECK_THAT(uri.error().message, !Catch::Contains("s3cr3t"));
}
