// RSASSA-PSS signatures (issue 18): OCSP responses and CRLs signed with an RSA key whose CA asks
// for PSS, or with an RSA-PSS key, verify with OpenSSL and carry RFC 4055's parameters.
#include <catch2/catch.hpp>

#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "pki/certificate_factory.hpp"
#include "pki/crl_builder.hpp"
#include "pki/digest_signing_pool.hpp"
#include "pki/ocsp_response.hpp"
#include "pki/openssl_handles.hpp"
#include "tests/support/test_ca.hpp"
#include "tests/unit/pki/ocsp_openssl.hpp"

using namespace tanda;
using namespace tanda::pki;

namespace {

constexpr UnixSeconds kNow = 1700000000;  // 2023-11-14T22:13:20Z
using CrlPtr = std::unique_ptr<X509_CRL, OpenSslDeleter<&X509_CRL_free>>;
using PssParamsPtr = std::unique_ptr<RSA_PSS_PARAMS, OpenSslDeleter<&RSA_PSS_PARAMS_free>>;

// An RSA-PSS key (OpenSSL's "RSA-PSS" type: its SubjectPublicKeyInfo says id-RSASSA-PSS).
PrivateKey rsa_pss_key() {
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA-PSS", nullptr));
    REQUIRE(ctx);
    REQUIRE(EVP_PKEY_keygen_init(ctx.get()) == 1);
    REQUIRE(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), 2048) == 1);
    EVP_PKEY* pkey = nullptr;
    REQUIRE(EVP_PKEY_generate(ctx.get(), &pkey) == 1);
    auto handle = std::make_shared<KeyHandle>();
    handle->pkey.reset(pkey);
    return PrivateKey(handle);
}

// A self-signed CA certificate for `key`.
Certificate self_signed_ca(const PrivateKey& key) {
    CertificateSpec spec;
    spec.subject = "CN=PSS CA,O=Tanda Test,C=ID";
    spec.serial = *Serial::from_hex("51");
    const UnixSeconds now = SystemClock().now();  // OCSP_basic_verify checks the validity
    spec.not_before = now - 86400;
    spec.not_after = now + 365 * 86400;
    spec.profile = Profile::ca;
    return test::must(issue_certificate(spec, key, nullptr, key));
}

// The AlgorithmIdentifier is id-RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt.
void check_pss_parameters(const X509_ALGOR* alg) {
    REQUIRE(alg != nullptr);
    CHECK(OBJ_obj2nid(alg->algorithm) == NID_rsassaPss);
    int type = 0;
    const void* value = nullptr;
    X509_ALGOR_get0(nullptr, &type, &value, alg);
    REQUIRE(type == V_ASN1_SEQUENCE);
    const auto* seq = static_cast<const ASN1_STRING*>(value);
    const unsigned char* p = ASN1_STRING_get0_data(seq);
    PssParamsPtr params(d2i_RSA_PSS_PARAMS(nullptr, &p, ASN1_STRING_length(seq)));
    REQUIRE(params);
    REQUIRE(params->hashAlgorithm != nullptr);
    CHECK(OBJ_obj2nid(params->hashAlgorithm->algorithm) == NID_sha256);
    REQUIRE(params->maskGenAlgorithm != nullptr);
    CHECK(OBJ_obj2nid(params->maskGenAlgorithm->algorithm) == NID_mgf1);
    const ASN1_TYPE* mgf = params->maskGenAlgorithm->parameter;  // MGF1's own AlgorithmIdentifier
    REQUIRE(mgf != nullptr);
    REQUIRE(mgf->type == V_ASN1_SEQUENCE);
    const unsigned char* q = ASN1_STRING_get0_data(mgf->value.sequence);
    std::unique_ptr<X509_ALGOR, OpenSslDeleter<&X509_ALGOR_free>> mgf_hash(
        d2i_X509_ALGOR(nullptr, &q, ASN1_STRING_length(mgf->value.sequence)));
    REQUIRE(mgf_hash);
    CHECK(OBJ_obj2nid(mgf_hash->algorithm) == NID_sha256);
    REQUIRE(params->saltLength != nullptr);
    CHECK(ASN1_INTEGER_get(params->saltLength) == 32);
    CHECK(params->trailerField == nullptr);  // DEFAULT 1: absent in DER
}

CrlPtr parse_crl(const Bytes& der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    CrlPtr crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size())));
    REQUIRE(crl);
    return crl;
}

// A CRL signed by `key` and checked with `ca`'s public key, as a relying party does.
void check_crl(const Certificate& ca, const PrivateKey& key) {
    CrlSigner signer = test::must(CrlSigner::create(ca, key));
    CrlBuilder b(signer, {7, kNow, kNow + 86400, std::nullopt, "", ""});
    Bytes serial = {std::byte{0x0a}, std::byte{0x0b}};
    b.add({serial, kNow - 100, Reason::key_compromise, std::nullopt});
    auto crl = parse_crl(test::must(b.finish()));
    // X509_CRL_verify takes the PSS parameters from the CRL's own AlgorithmIdentifier.
    CHECK(X509_CRL_verify(crl.get(), X509_get0_pubkey(ca.handle().get())) == 1);
    const ASN1_BIT_STRING* sig = nullptr;
    const X509_ALGOR* alg = nullptr;
    X509_CRL_get0_signature(crl.get(), &sig, &alg);
    check_pss_parameters(alg);
    CHECK(X509_CRL_get_signature_nid(crl.get()) == NID_rsassaPss);
}

// A good answer signed by `key` for `ca`, checked with OCSP_basic_verify.
void check_ocsp(const Certificate& ca, const Certificate& signer_cert, const PrivateKey& key,
                const Certificate& leaf) {
    OcspSigner signer = test::must(OcspSigner::create(ca, signer_cert, key));
    auto id = test::cert_id(EVP_sha256(), leaf, ca);
    Bytes id_der = test::cert_id_der(id.get());
    SingleStatus status[1];
    status[0] = {id_der,       SingleStatusKind::good, 0,           std::nullopt, kNow - 60,
                 kNow + 86400, std::nullopt,           std::nullopt};
    Bytes der = test::must(signer.sign(status, {}, kNow));
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    OcspResponsePtr response(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
    REQUIRE(response);
    OcspBasicRespPtr basic(OCSP_response_get1_basic(response.get()));
    REQUIRE(basic);
    X509StorePtr store(X509_STORE_new());
    X509_STORE_add_cert(store.get(), ca.handle().get());
    STACK_OF(X509)* certs = sk_X509_new_null();
    sk_X509_push(certs, signer_cert.handle().get());  // borrowed
    CHECK(OCSP_basic_verify(basic.get(), certs, store.get(), 0) == 1);
    sk_X509_free(certs);
    ERR_clear_error();
    check_pss_parameters(OCSP_resp_get0_tbs_sigalg(basic.get()));
}

}  // namespace

TEST_CASE("an RSA key asked for PSS signs OCSP answers and CRLs with RSASSA-PSS", "[pss]") {
    test::TestCa ca(KeyType::rsa2048);
    auto leaf = ca.issue("CN=Leaf,C=ID");
    CHECK_FALSE(ca.key().signs_with_pss());
    PrivateKey pss = test::must(ca.key().with_pss());
    CHECK(pss.signs_with_pss());
    check_ocsp(ca.cert(), ca.cert(), pss, leaf.cert);
    check_crl(ca.cert(), pss);

    SECTION("a delegated RSA signer too") {
        auto delegated = ca.ocsp_signer();
        PrivateKey delegated_pss = test::must(delegated.key.with_pss());
        check_ocsp(ca.cert(), delegated.cert, delegated_pss, leaf.cert);
    }
}

TEST_CASE("an RSA-PSS key always signs with RSASSA-PSS", "[pss]") {
    PrivateKey key = rsa_pss_key();
    CHECK(key.signs_with_pss());
    CHECK(key.algorithm() == "RSA-2048");
    Certificate ca = self_signed_ca(key);
    REQUIRE(key.matches(ca));
    check_ocsp(ca, ca, key, ca);
    check_crl(ca, key);
}

TEST_CASE("PSS is refused for keys that are not RSA", "[pss]") {
    auto key = GENERATE(KeyType::ec_p256, KeyType::ed25519);
    auto made = test::must(generate_key(key));
    auto pss = made.with_pss();
    REQUIRE_FALSE(pss);
    CHECK(pss.error().code == ErrorCode::config);
    CHECK(pss.error().message.find("RSASSA-PSS needs an RSA key") != std::string::npos);
}
