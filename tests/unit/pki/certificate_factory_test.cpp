#include "pki/certificate_factory.hpp"

#include <openssl/err.h>

#include <catch2/catch.hpp>

#include "pki/openssl_handles.hpp"
#include "tests/support/test_ca.hpp"

using namespace tanda;
using namespace tanda::pki;

namespace {

bool has_ext(const Certificate& cert, int nid, bool critical) {
    X509* x = cert.handle().get();
    int index = X509_get_ext_by_NID(x, nid, -1);
    return index >= 0 && (X509_EXTENSION_get_critical(X509_get_ext(x, index)) != 0) == critical;
}

bool verifies(const Certificate& cert, const Certificate& issuer) {
    return X509_verify(cert.handle().get(), X509_get0_pubkey(issuer.handle().get())) == 1;
}

std::string ocsp_url(const Certificate& cert) {
    X509* x = cert.handle().get();
    AuthorityInfoAccessPtr aia(static_cast<AUTHORITY_INFO_ACCESS*>(
        X509_get_ext_d2i(x, NID_info_access, nullptr, nullptr)));
    if (!aia || sk_ACCESS_DESCRIPTION_num(aia.get()) != 1) {
        return {};
    }
    ACCESS_DESCRIPTION* ad = sk_ACCESS_DESCRIPTION_value(aia.get(), 0);
    if (OBJ_obj2nid(ad->method) != NID_ad_OCSP || ad->location->type != GEN_URI) {
        return {};
    }
    const ASN1_IA5STRING* uri = ad->location->d.uniformResourceIdentifier;
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                       ASN1_STRING_length(uri));
}

Bytes ski(const Certificate& cert) {
    const ASN1_OCTET_STRING* id = X509_get0_subject_key_id(cert.handle().get());
    auto* p = reinterpret_cast<const std::byte*>(ASN1_STRING_get0_data(id));
    return id == nullptr ? Bytes{} : Bytes(p, p + ASN1_STRING_length(id));
}

Bytes aki(const Certificate& cert) {
    const ASN1_OCTET_STRING* id = X509_get0_authority_key_id(cert.handle().get());
    auto* p = reinterpret_cast<const std::byte*>(ASN1_STRING_get0_data(id));
    return id == nullptr ? Bytes{} : Bytes(p, p + ASN1_STRING_length(id));
}

}  // namespace

TEST_CASE("issue_certificate builds a verifying CA, signer and leaf for each key type",
          "[certificate_factory]") {
    KeyType type = GENERATE(KeyType::ec_p256, KeyType::ec_p384, KeyType::rsa2048, KeyType::rsa3072,
                            KeyType::ed25519);
    CAPTURE(static_cast<int>(type));
    test::TestCa ca(type);
    auto signer = ca.ocsp_signer();
    auto leaf = ca.issue("CN=Leaf,O=Tanda Test,C=ID");

    const Certificate& root = ca.cert();
    CHECK(X509_get_version(root.handle().get()) == X509_VERSION_3);
    CHECK(verifies(root, root));
    CHECK(root.is_self_signed());
    CHECK(root.subject() == "CN=Test CA,O=Tanda Test,C=ID");
    CHECK(root.issuer() == root.subject());
    CHECK(has_ext(root, NID_basic_constraints, true));
    CHECK(has_ext(root, NID_key_usage, true));
    CHECK(X509_get_key_usage(root.handle().get()) == (KU_KEY_CERT_SIGN | KU_CRL_SIGN));
    CHECK(root.is_ca());
    CHECK_FALSE(ski(root).empty());
    CHECK(aki(root) == ski(root));

    for (const Certificate* cert : {&signer.cert, &leaf.cert}) {
        CHECK(verifies(*cert, root));
        CHECK(cert->issued_by(root));
        CHECK(cert->issuer() == root.subject());
        CHECK_FALSE(cert->is_ca());
        CHECK(aki(*cert) == ski(root));
        CHECK_FALSE(ski(*cert).empty());
        CHECK(X509_get_key_usage(cert->handle().get()) == KU_DIGITAL_SIGNATURE);
        CHECK(ocsp_url(*cert) == "http://127.0.0.1/ocsp");
    }
    CHECK(signer.cert.has_ocsp_signing());
    CHECK(has_ext(signer.cert, NID_id_pkix_OCSP_noCheck, false));
    CHECK(X509_get_extended_key_usage(signer.cert.handle().get()) == XKU_OCSP_SIGN);
    CHECK(X509_get_extended_key_usage(leaf.cert.handle().get()) == (XKU_SSL_CLIENT | XKU_SMIME));
    CHECK_FALSE(has_ext(leaf.cert, NID_id_pkix_OCSP_noCheck, false));
}

TEST_CASE("issue_certificate sets serial, validity and a parsed subject", "[certificate_factory]") {
    PrivateKey key = test::must(generate_key(KeyType::ed25519));
    CertificateSpec spec;
    spec.subject =
        R"(emailAddress=a@b.c,CN=Smith\, John,OU=Ops,O=Tanda,L=Bandung,ST=Jawa Barat,C=ID)";
    spec.serial = *Serial::from_hex("00AB12");
    spec.not_before = 1700000000;
    spec.not_after = 4102444800;  // 2100: encoded as GeneralizedTime
    spec.profile = Profile::leaf;
    auto cert = issue_certificate(spec, key, nullptr, key);
    REQUIRE(cert);
    CHECK(cert->serial().to_hex() == "AB12");
    CHECK(cert->not_before() == 1700000000);
    CHECK(cert->not_after() == 4102444800);
    CHECK(cert->subject() ==
          R"(emailAddress=a@b.c,CN=Smith\, John,OU=Ops,O=Tanda,L=Bandung,ST=Jawa Barat,C=ID)");
    X509_NAME* name = X509_get_subject_name(cert->handle().get());
    REQUIRE(X509_NAME_entry_count(name) == 7);
    CHECK(OBJ_obj2nid(X509_NAME_ENTRY_get_object(X509_NAME_get_entry(name, 0))) == NID_countryName);
    CHECK(ocsp_url(*cert).empty());
}

TEST_CASE("issue_certificate rejects bad subjects and a mismatched issuer key",
          "[certificate_factory]") {
    PrivateKey key = test::must(generate_key(KeyType::ec_p256));
    CertificateSpec spec;
    spec.serial = *Serial::from_hex("01");
    spec.not_after = 2000000000;
    std::string subject = GENERATE("", "CN", "CN=", "XX=Foo", "CN=Foo,,C=ID", "CN=Foo,C=IDN");
    CAPTURE(subject);
    spec.subject = subject;
    auto cert = issue_certificate(spec, key, nullptr, key);
    REQUIRE_FALSE(cert);
    CHECK((cert.error().code == ErrorCode::invalid_argument ||
           cert.error().code == ErrorCode::crypto));

    test::TestCa ca;
    spec.subject = "CN=Leaf";
    auto mismatched = issue_certificate(spec, key, &ca.cert(), key);
    REQUIRE_FALSE(mismatched);
    CHECK(mismatched.error().code == ErrorCode::invalid_argument);
    CHECK(ERR_peek_error() == 0);
}
