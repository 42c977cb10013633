#include "pki/ocsp_response.hpp"

#include <catch2/catch.hpp>
#include <ctime>
#include <thread>

#include "pki/certificate_factory.hpp"
#include "tests/support/test_ca.hpp"
#include "tests/unit/pki/ocsp_openssl.hpp"

using namespace tanda;
using namespace tanda::pki;

namespace {

constexpr UnixSeconds kProducedAt = 1700000000;  // 2023-11-14T22:13:20Z
constexpr UnixSeconds kThisUpdate = kProducedAt - 60;
constexpr UnixSeconds kNextUpdate = kProducedAt + 86400;
constexpr UnixSeconds kRevokedAt = kProducedAt - 7200;
constexpr UnixSeconds kArchiveCutoff = kProducedAt - 365 * 86400;
constexpr UnixSeconds kInvalidSince = kProducedAt - 9000;

UnixSeconds unix_time(const ASN1_TIME* t) {
    std::tm tm{};
    REQUIRE(t != nullptr);
    REQUIRE(ASN1_TIME_to_tm(t, &tm) == 1);
    return timegm(&tm);
}

Bytes bytes_of(const ASN1_STRING* s) {
    auto* p = reinterpret_cast<const std::byte*>(ASN1_STRING_get0_data(s));
    return Bytes(p, p + ASN1_STRING_length(s));
}

struct Parsed {
    OcspResponsePtr response;
    OcspBasicRespPtr basic;
};

Parsed parse(const Bytes& der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    Parsed parsed;
    parsed.response.reset(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
    REQUIRE(parsed.response);
    REQUIRE(p == reinterpret_cast<const unsigned char*>(der.data()) + der.size());
    REQUIRE(OCSP_response_status(parsed.response.get()) == OCSP_RESPONSE_STATUS_SUCCESSFUL);
    parsed.basic.reset(OCSP_response_get1_basic(parsed.response.get()));
    REQUIRE(parsed.basic);
    return parsed;
}

// OCSP_basic_verify with the CA as the only trust anchor, as a relying party would.
int verify(OCSP_BASICRESP* bs, const Certificate& ca, const Certificate& signer) {
    X509StorePtr store(X509_STORE_new());
    X509_STORE_add_cert(store.get(), ca.handle().get());
    STACK_OF(X509)* certs = sk_X509_new_null();
    sk_X509_push(certs, signer.handle().get());  // borrowed: freed below without X509_free
    int ok = OCSP_basic_verify(bs, certs, store.get(), 0);
    sk_X509_free(certs);
    ERR_clear_error();
    return ok;
}

int sig_nid(KeyType type) {
    switch (type) {
        case KeyType::ec_p256:
            return NID_ecdsa_with_SHA256;
        case KeyType::ec_p384:
            return NID_ecdsa_with_SHA384;
        case KeyType::rsa2048:
        case KeyType::rsa3072:
            return NID_sha256WithRSAEncryption;
        case KeyType::ed25519:
            return NID_ED25519;
    }
    return NID_undef;
}

PrivateKey rsa1024() {
    auto handle = std::make_shared<KeyHandle>();
    handle->pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{1024}));
    REQUIRE(handle->pkey);
    return PrivateKey(handle);
}

}  // namespace

TEST_CASE("error_response is the 5-byte OCSPResponse for each status", "[ocsp_response]") {
    auto [status, code] =
        GENERATE(std::pair{OcspError::malformed_request, 1},
                 std::pair{OcspError::internal_error, 2}, std::pair{OcspError::try_later, 3},
                 std::pair{OcspError::sig_required, 5}, std::pair{OcspError::unauthorized, 6});
    ByteView der = error_response(status);
    Bytes expected = {std::byte{0x30}, std::byte{0x03}, std::byte{0x0a}, std::byte{0x01},
                      std::byte(code)};
    CHECK(Bytes(der.begin(), der.end()) == expected);
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    OcspResponsePtr response(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
    REQUIRE(response);
    CHECK(OCSP_response_status(response.get()) == code);
}

TEST_CASE("OcspSigner signs responses OpenSSL verifies", "[ocsp_response]") {
    KeyType type = GENERATE(KeyType::ec_p256, KeyType::ec_p384, KeyType::rsa2048, KeyType::rsa3072,
                            KeyType::ed25519);
    bool delegated = GENERATE(false, true);
    CAPTURE(static_cast<int>(type), delegated);
    test::TestCa ca(type);
    auto good = ca.issue("CN=Good,C=ID");
    auto revoked = ca.issue("CN=Revoked,C=ID");
    auto revoked_no_reason = ca.issue("CN=Revoked Quietly,C=ID");
    test::IssuedCert signer = delegated ? ca.ocsp_signer() : test::IssuedCert{ca.key(), ca.cert()};

    auto made = OcspSigner::create(ca.cert(), signer.cert, signer.key);
    REQUIRE(made);
    CHECK(made->delegated() == delegated);

    auto good_id = test::cert_id(EVP_sha1(), good.cert, ca.cert());
    auto revoked_id = test::cert_id(EVP_sha256(), revoked.cert, ca.cert());
    auto quiet_id = test::cert_id(EVP_sha384(), revoked_no_reason.cert, ca.cert());
    Bytes good_der = test::cert_id_der(good_id.get());
    Bytes revoked_der = test::cert_id_der(revoked_id.get());
    Bytes quiet_der = test::cert_id_der(quiet_id.get());

    SingleStatus statuses[3];
    statuses[0] = {good_der,    SingleStatusKind::good, 0,           std::nullopt, kThisUpdate,
                   kNextUpdate, std::nullopt,           std::nullopt};
    statuses[1] = {revoked_der,    SingleStatusKind::revoked,
                   kRevokedAt,     Reason::key_compromise,
                   kThisUpdate,    kNextUpdate,
                   kArchiveCutoff, kInvalidSince};
    statuses[2] = {quiet_der,    SingleStatusKind::revoked,
                   kRevokedAt,   std::nullopt,
                   kThisUpdate,  0,
                   std::nullopt, std::nullopt};
    Bytes nonce = {std::byte{0xde}, std::byte{0xad}, std::byte{0xbe}, std::byte{0xef},
                   std::byte{0x01}, std::byte{0x02}, std::byte{0x03}, std::byte{0x04}};
    ResponseExtras extras{nonce, true};

    auto der = made->sign(statuses, extras, kProducedAt);
    REQUIRE(der);
    Parsed parsed = parse(*der);
    OCSP_BASICRESP* bs = parsed.basic.get();

    CHECK(verify(bs, ca.cert(), signer.cert) == 1);
    CHECK(OBJ_obj2nid(OCSP_resp_get0_tbs_sigalg(bs)->algorithm) == sig_nid(type));
    CHECK(unix_time(OCSP_resp_get0_produced_at(bs)) == kProducedAt);

    // ResponderID byKey: SHA-1 of the signer's subjectPublicKey (RFC 6960 4.2.2.3).
    const ASN1_OCTET_STRING* key_id = nullptr;
    const X509_NAME* name = nullptr;
    REQUIRE(OCSP_resp_get0_id(bs, &key_id, &name) == 1);
    REQUIRE(key_id != nullptr);
    CHECK(name == nullptr);
    CHECK(bytes_of(key_id) == signer.cert.key_hash(HashAlgorithm::sha1));

    const STACK_OF(X509)* certs = OCSP_resp_get0_certs(bs);
    CHECK((certs == nullptr ? 0 : sk_X509_num(certs)) == (delegated ? 1 : 0));  // absent when 0
    if (delegated) {
        CHECK(X509_cmp(sk_X509_value(certs, 0), signer.cert.handle().get()) == 0);
    }

    int status = 0, reason = 0;
    ASN1_GENERALIZEDTIME *rev = nullptr, *this_upd = nullptr, *next_upd = nullptr;
    REQUIRE(OCSP_resp_find_status(bs, good_id.get(), &status, &reason, &rev, &this_upd,
                                  &next_upd) == 1);
    CHECK(status == V_OCSP_CERTSTATUS_GOOD);
    CHECK(unix_time(this_upd) == kThisUpdate);
    CHECK(unix_time(next_upd) == kNextUpdate);

    REQUIRE(OCSP_resp_find_status(bs, revoked_id.get(), &status, &reason, &rev, &this_upd,
                                  &next_upd) == 1);
    CHECK(status == V_OCSP_CERTSTATUS_REVOKED);
    CHECK(reason == OCSP_REVOKED_STATUS_KEYCOMPROMISE);
    CHECK(unix_time(rev) == kRevokedAt);

    REQUIRE(OCSP_resp_find_status(bs, quiet_id.get(), &status, &reason, &rev, &this_upd,
                                  &next_upd) == 1);
    CHECK(status == V_OCSP_CERTSTATUS_REVOKED);
    CHECK(reason == OCSP_REVOKED_STATUS_NOSTATUS);
    CHECK(next_upd == nullptr);

    // CertIDs echoed byte for byte, in order.
    REQUIRE(OCSP_resp_count(bs) == 3);
    const Bytes* expected_ids[] = {&good_der, &revoked_der, &quiet_der};
    for (int i = 0; i < 3; ++i) {
        const OCSP_CERTID* id = OCSP_SINGLERESP_get0_id(OCSP_resp_get0(bs, i));
        unsigned char* out = nullptr;
        int len = i2d_OCSP_CERTID(const_cast<OCSP_CERTID*>(id), &out);
        CHECK(test::i2d_bytes(len, out) == *expected_ids[i]);
    }

    // Single extensions: archiveCutoff and invalidityDate only where set.
    OCSP_SINGLERESP* single = OCSP_resp_get0(bs, 1);
    int critical = -1;
    Asn1GeneralizedTimePtr cutoff(static_cast<ASN1_GENERALIZEDTIME*>(
        OCSP_SINGLERESP_get1_ext_d2i(single, NID_id_pkix_OCSP_archiveCutoff, &critical, nullptr)));
    REQUIRE(cutoff);
    CHECK(critical == 0);
    CHECK(unix_time(cutoff.get()) == kArchiveCutoff);
    Asn1GeneralizedTimePtr invalid(static_cast<ASN1_GENERALIZEDTIME*>(
        OCSP_SINGLERESP_get1_ext_d2i(single, NID_invalidity_date, &critical, nullptr)));
    REQUIRE(invalid);
    CHECK(unix_time(invalid.get()) == kInvalidSince);
    CHECK(OCSP_SINGLERESP_get_ext_count(OCSP_resp_get0(bs, 0)) == 0);

    // Response extensions: nonce (RFC 9654 encoding) and extended-revoke, both non-critical.
    int nonce_at = OCSP_BASICRESP_get_ext_by_NID(bs, NID_id_pkix_OCSP_Nonce, -1);
    REQUIRE(nonce_at >= 0);
    X509_EXTENSION* nonce_ext = OCSP_BASICRESP_get_ext(bs, nonce_at);
    CHECK(X509_EXTENSION_get_critical(nonce_ext) == 0);
    Bytes nonce_value = {std::byte{0x04}, std::byte(nonce.size())};
    nonce_value.insert(nonce_value.end(), nonce.begin(), nonce.end());
    CHECK(bytes_of(X509_EXTENSION_get_data(nonce_ext)) == nonce_value);
    test::RequestBuilder request;
    request.add(EVP_sha1(), good.cert, ca.cert()).nonce(nonce);
    CHECK(OCSP_check_nonce(request.get(), bs) == 1);

    int revoke_at = OCSP_BASICRESP_get_ext_by_NID(bs, NID_id_pkix_OCSP_valid, -1);
    REQUIRE(revoke_at >= 0);
    X509_EXTENSION* revoke_ext = OCSP_BASICRESP_get_ext(bs, revoke_at);
    char oid[64];
    OBJ_obj2txt(oid, sizeof oid, X509_EXTENSION_get_object(revoke_ext), 1);
    CHECK(std::string(oid) == "1.3.6.1.5.5.7.48.1.9");
    CHECK(X509_EXTENSION_get_critical(revoke_ext) == 0);
    CHECK(bytes_of(X509_EXTENSION_get_data(revoke_ext)) == Bytes{std::byte{0x05}, std::byte{0}});
    CHECK(OCSP_BASICRESP_get_ext_count(bs) == 2);
}

TEST_CASE("OcspSigner omits absent extensions", "[ocsp_response]") {
    test::TestCa ca;
    auto leaf = ca.issue("CN=Leaf,C=ID");
    auto signer = test::must(OcspSigner::create(ca.cert(), ca.cert(), ca.key()));
    auto id = test::cert_id(EVP_sha1(), leaf.cert, ca.cert());
    Bytes id_der = test::cert_id_der(id.get());
    SingleStatus status{
        id_der,      SingleStatusKind::unknown, 0, std::nullopt, kThisUpdate, 0, std::nullopt,
        std::nullopt};
    auto der = signer.sign({&status, 1}, {}, kProducedAt);
    REQUIRE(der);
    Parsed parsed = parse(*der);
    CHECK(verify(parsed.basic.get(), ca.cert(), ca.cert()) == 1);
    CHECK(OCSP_BASICRESP_get_ext_count(parsed.basic.get()) == 0);
    int st = 0, reason = 0;
    ASN1_GENERALIZEDTIME *rev = nullptr, *this_upd = nullptr, *next_upd = nullptr;
    REQUIRE(OCSP_resp_find_status(parsed.basic.get(), id.get(), &st, &reason, &rev, &this_upd,
                                  &next_upd) == 1);
    CHECK(st == V_OCSP_CERTSTATUS_UNKNOWN);
    CHECK(next_upd == nullptr);
}

TEST_CASE("OcspSigner rejects a SingleStatus without a DER CertID", "[ocsp_response]") {
    test::TestCa ca;
    auto signer = test::must(OcspSigner::create(ca.cert(), ca.cert(), ca.key()));
    Bytes junk = {std::byte{0x30}, std::byte{0x01}};
    SingleStatus status{junk, SingleStatusKind::good, 0,           std::nullopt, kThisUpdate,
                        0,    std::nullopt,           std::nullopt};
    auto der = signer.sign({&status, 1}, {}, kProducedAt);
    REQUIRE_FALSE(der);
    CHECK(der.error().code == ErrorCode::invalid_argument);
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("OcspSigner::create accepts the CA and its delegated signers", "[ocsp_response]") {
    test::TestCa ca;
    auto signer = ca.ocsp_signer();
    CHECK_FALSE(test::must(OcspSigner::create(ca.cert(), ca.cert(), ca.key())).delegated());
    CHECK(test::must(OcspSigner::create(ca.cert(), signer.cert, signer.key)).delegated());

    // A re-issued CA certificate (same subject and key, new serial) still is the issuer.
    CertificateSpec spec{"CN=Test CA,O=Tanda Test,C=ID",
                         *Serial::from_hex("0BAD"),
                         ca.cert().not_before(),
                         ca.cert().not_after(),
                         Profile::ca,
                         ""};
    Certificate reissued = test::must(issue_certificate(spec, ca.key(), nullptr, ca.key()));
    CHECK_FALSE(test::must(OcspSigner::create(ca.cert(), reissued, ca.key())).delegated());
}

TEST_CASE("OcspSigner::create refuses signers that may not sign", "[ocsp_response]") {
    test::TestCa ca;
    test::TestCa other(KeyType::ec_p256, "CN=Other CA,C=ID");
    auto signer = ca.ocsp_signer();

    SECTION("key does not match the certificate") {
        auto made = OcspSigner::create(ca.cert(), signer.cert, ca.key());
        REQUIRE_FALSE(made);
        CHECK(made.error().code == ErrorCode::config);
        CHECK_THAT(made.error().message, Catch::Contains("does not match"));
    }
    SECTION("signer without EKU OCSPSigning") {
        auto leaf = ca.issue("CN=Leaf,C=ID");
        auto made = OcspSigner::create(ca.cert(), leaf.cert, leaf.key);
        REQUIRE_FALSE(made);
        CHECK(made.error().code == ErrorCode::config);
        CHECK_THAT(made.error().message, Catch::Contains("OCSPSigning"));
    }
    SECTION("signer from another CA") {
        auto foreign = other.ocsp_signer();
        auto made = OcspSigner::create(ca.cert(), foreign.cert, foreign.key);
        REQUIRE_FALSE(made);
        CHECK(made.error().code == ErrorCode::config);
        CHECK_THAT(made.error().message, Catch::Contains("nor issued by"));
    }
    SECTION("another CA itself") {
        auto made = OcspSigner::create(ca.cert(), other.cert(), other.key());
        REQUIRE_FALSE(made);
        CHECK(made.error().code == ErrorCode::config);
    }
    SECTION("RSA-1024") {
        PrivateKey weak = rsa1024();
        CertificateSpec spec{
            "CN=Weak CA,C=ID", *Serial::from_hex("01"), 0, 2000000000, Profile::ca, ""};
        Certificate weak_ca = test::must(issue_certificate(spec, weak, nullptr, weak));
        auto made = OcspSigner::create(weak_ca, weak_ca, weak);
        REQUIRE_FALSE(made);
        CHECK(made.error().code == ErrorCode::config);
        CHECK_THAT(made.error().message, Catch::Contains("RSA-1024"));
    }
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("OcspSigner signs from several threads at once", "[ocsp_response]") {
    test::TestCa ca(KeyType::ec_p256);
    auto delegate = ca.ocsp_signer();
    auto leaf = ca.issue("CN=Leaf,C=ID");
    const auto signer = test::must(OcspSigner::create(ca.cert(), delegate.cert, delegate.key));
    auto id = test::cert_id(EVP_sha1(), leaf.cert, ca.cert());
    Bytes id_der = test::cert_id_der(id.get());

    constexpr int kThreads = 4;
    constexpr int kPerThread = 25;
    std::vector<std::vector<Bytes>> results(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
                SingleStatus status{
                    id_der, SingleStatusKind::good, 0,           std::nullopt, kThisUpdate + i,
                    0,      std::nullopt,           std::nullopt};
                auto der = signer.sign({&status, 1}, {}, kProducedAt + t);
                results[t].push_back(der ? *der : Bytes{});
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    for (int t = 0; t < kThreads; ++t) {
        for (const Bytes& der : results[t]) {
            REQUIRE_FALSE(der.empty());
            Parsed parsed = parse(der);
            REQUIRE(verify(parsed.basic.get(), ca.cert(), delegate.cert) == 1);
            CHECK(unix_time(OCSP_resp_get0_produced_at(parsed.basic.get())) == kProducedAt + t);
        }
    }
}
