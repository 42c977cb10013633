#include "pki/crl_number.hpp"

#include <openssl/err.h>

#include <catch2/catch.hpp>

#include "core/base64.hpp"
#include "pki/crl_builder.hpp"
#include "tests/support/test_ca.hpp"

using namespace tanda;
using namespace tanda::pki;

namespace {

constexpr UnixSeconds kNow = 1700000000;

Bytes crl_of(const test::TestCa& ca, std::uint64_t number) {
    auto signer = test::must(CrlSigner::create(ca.cert(), ca.key()));
    CrlBuilder b(signer, {number, kNow, kNow + 600, std::nullopt, "", ""});
    return test::must(b.finish());
}

}  // namespace

TEST_CASE("read_crl_number reads the number of a CRL the CA signed, DER or PEM", "[crl]") {
    test::TestCa ca;
    test::TestCa other(KeyType::ec_p256, "CN=Other CA,O=Tanda Test,C=ID");
    test::TestCa same_name;  // the same subject as `ca`, another key
    const Bytes der = crl_of(ca, 1000);
    CHECK(read_crl_number(der, ca.cert()).value() == 1000);
    CHECK(read_crl_number(crl_of(ca, 0xFFFFFFFFFFFFFFFFull), ca.cert()).value() ==
          0xFFFFFFFFFFFFFFFFull);

    std::string pem = "-----BEGIN X509 CRL-----\n";
    const std::string b64 = base64_encode(der);
    for (std::size_t i = 0; i < b64.size(); i += 64) pem += b64.substr(i, 64) + "\n";
    pem += "-----END X509 CRL-----\n";
    CHECK(read_crl_number(to_bytes(pem), ca.cert()).value() == 1000);

    CHECK(read_crl_number(der, other.cert()).error().code == ErrorCode::invalid_argument);
    CHECK_THAT(read_crl_number(der, same_name.cert()).error().message,
               Catch::Contains("does not verify"));
    CHECK(read_crl_number(to_bytes("not a CRL"), ca.cert()).error().code ==
          ErrorCode::invalid_argument);
}

TEST_CASE("crl_der gives the DER of a PEM or DER CRL and leaves no OpenSSL error behind", "[crl]") {
    test::TestCa ca;
    const Bytes der = crl_of(ca, 7);
    std::string pem = "-----BEGIN X509 CRL-----\n";
    const std::string b64 = base64_encode(der);
    for (std::size_t i = 0; i < b64.size(); i += 64) pem += b64.substr(i, 64) + "\n";
    pem += "-----END X509 CRL-----\n";
    CHECK(crl_der(to_bytes(pem)).value() == der);
    ERR_clear_error();
    CHECK(crl_der(der).value() == der);  // PEM tried first and failed: its error is dropped
    CHECK(ERR_peek_error() == 0);
    CHECK(crl_der(to_bytes(std::string("not a CRL"))).error().code == ErrorCode::invalid_argument);
    CHECK(ERR_peek_error() == 0);
}
