#include "pki/ocsp_request.hpp"

#include <catch2/catch.hpp>
#include <random>

#include "pki/cert_id_hash.hpp"
#include "tests/support/test_ca.hpp"
#include "tests/unit/pki/ocsp_openssl.hpp"

using namespace tanda;
using namespace tanda::pki;
using tanda::test::RequestBuilder;

namespace {

struct Fixture {
    test::TestCa ca;
    test::IssuedCert leaf = ca.issue("CN=Leaf,O=Tanda Test,C=ID");
    test::IssuedCert other = ca.issue("CN=Other,O=Tanda Test,C=ID");
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

Bytes bytes_of(std::initializer_list<int> values) {
    Bytes out;
    for (int v : values) {
        out.push_back(static_cast<std::byte>(v));
    }
    return out;
}

}  // namespace

TEST_CASE("parse_ocsp_request reads one CertID for each hash algorithm", "[ocsp_request]") {
    HashAlgorithm alg =
        GENERATE(from_range(std::begin(kAllHashAlgorithms), std::end(kAllHashAlgorithms)));
    CAPTURE(hash_name(alg));
    auto& f = fixture();
    auto id = test::cert_id(evp_md(alg), f.leaf.cert, f.ca.cert());
    Bytes id_der = test::cert_id_der(id.get());
    Bytes der = RequestBuilder().add(std::move(id)).der();

    auto req = parse_ocsp_request(der, {});
    REQUIRE(req);
    REQUIRE(req->certs.size() == 1);
    const RequestedCert& cert = req->certs[0];
    CHECK(cert.hash == alg);
    CHECK(cert.name_hash == f.ca.cert().name_hash(alg));
    CHECK(cert.key_hash == f.ca.cert().key_hash(alg));
    CHECK(cert.serial == f.leaf.cert.serial());
    CHECK(cert.cert_id_der == id_der);
    CHECK_FALSE(req->nonce);
}

TEST_CASE("parse_ocsp_request keeps several CertIDs in order", "[ocsp_request]") {
    auto& f = fixture();
    Bytes der = RequestBuilder()
                    .add(EVP_sha1(), f.leaf.cert, f.ca.cert())
                    .add(EVP_sha256(), f.other.cert, f.ca.cert())
                    .add(EVP_sha512(), f.ca.cert(), f.ca.cert())
                    .der();
    auto req = parse_ocsp_request(der, {});
    REQUIRE(req);
    REQUIRE(req->certs.size() == 3);
    CHECK(req->certs[0].serial == f.leaf.cert.serial());
    CHECK(req->certs[0].hash == HashAlgorithm::sha1);
    CHECK(req->certs[1].serial == f.other.cert.serial());
    CHECK(req->certs[1].hash == HashAlgorithm::sha256);
    CHECK(req->certs[2].serial == f.ca.cert().serial());
    CHECK(req->certs[2].hash == HashAlgorithm::sha512);
}

TEST_CASE("parse_ocsp_request extracts the nonce octets", "[ocsp_request]") {
    auto& f = fixture();
    Bytes nonce = bytes_of({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17});
    Bytes der = RequestBuilder().add(EVP_sha1(), f.leaf.cert, f.ca.cert()).nonce(nonce).der();
    auto req = parse_ocsp_request(der, {});
    REQUIRE(req);
    REQUIRE(req->nonce);
    CHECK(*req->nonce == nonce);
}

TEST_CASE("parse_ocsp_request leaves the length policy of an empty nonce to the caller",
          "[ocsp_request]") {
    auto& f = fixture();
    Bytes der = RequestBuilder()
                    .add(EVP_sha1(), f.leaf.cert, f.ca.cert())
                    .raw_nonce_ext(bytes_of({0x04, 0x00}))
                    .der();
    auto req = parse_ocsp_request(der, {});
    REQUIRE(req);
    REQUIRE(req->nonce);
    CHECK(req->nonce->empty());
}

TEST_CASE("parse_ocsp_request rejects a nonce that is not an OCTET STRING", "[ocsp_request]") {
    auto& f = fixture();
    Bytes raw = GENERATE(bytes_of({0x01, 0x02, 0x03}),        // bare octets (pre-RFC 8954)
                         bytes_of({0x02, 0x01, 0x05}),        // an INTEGER
                         bytes_of({0x04, 0x05, 0x01, 0x02}),  // truncated OCTET STRING
                         bytes_of({0x04, 0x01, 0x01, 0x00}),  // trailing byte
                         Bytes{});
    CAPTURE(to_hex(raw));
    Bytes der = RequestBuilder().add(EVP_sha1(), f.leaf.cert, f.ca.cert()).raw_nonce_ext(raw).der();
    auto req = parse_ocsp_request(der, {});
    REQUIRE_FALSE(req);
    CHECK(req.error() == RequestError::malformed);
}

TEST_CASE("parse_ocsp_request reports an unsupported CertID hash as nullopt", "[ocsp_request]") {
    auto& f = fixture();
    const EVP_MD* md = GENERATE(EVP_md5(), EVP_sha224());
    Bytes der = RequestBuilder()
                    .add(md, f.leaf.cert, f.ca.cert())
                    .add(EVP_sha256(), f.leaf.cert, f.ca.cert())
                    .der();
    auto req = parse_ocsp_request(der, {});
    REQUIRE(req);
    REQUIRE(req->certs.size() == 2);
    CHECK_FALSE(req->certs[0].hash);
    CHECK(req->certs[0].serial == f.leaf.cert.serial());
    CHECK(req->certs[1].hash == HashAlgorithm::sha256);
}

TEST_CASE("parse_ocsp_request enforces max_certs", "[ocsp_request]") {
    auto& f = fixture();
    RequestBuilder builder;
    for (int i = 0; i < 3; ++i) {
        builder.add(EVP_sha1(), f.leaf.cert, f.ca.cert());
    }
    Bytes der = builder.der();
    CHECK(parse_ocsp_request(der, RequestLimits{3}));
    auto req = parse_ocsp_request(der, RequestLimits{2});
    REQUIRE_FALSE(req);
    CHECK(req.error() == RequestError::too_many_certs);
}

TEST_CASE("parse_ocsp_request rejects a request without CertIDs", "[ocsp_request]") {
    Bytes der = RequestBuilder().der();
    auto req = parse_ocsp_request(der, {});
    REQUIRE_FALSE(req);
    CHECK(req.error() == RequestError::malformed);
}

TEST_CASE("parse_ocsp_request rejects a negative serial", "[ocsp_request]") {
    auto& f = fixture();
    pki::Asn1IntegerPtr serial(ASN1_INTEGER_new());
    ASN1_INTEGER_set(serial.get(), -5);
    X509* ca = f.ca.cert().handle().get();
    pki::OcspCertIdPtr id(OCSP_cert_id_new(EVP_sha1(), X509_get_subject_name(ca),
                                           X509_get0_pubkey_bitstr(ca), serial.get()));
    Bytes der = RequestBuilder().add(std::move(id)).der();
    auto req = parse_ocsp_request(der, {});
    REQUIRE_FALSE(req);
    CHECK(req.error() == RequestError::malformed);
}

TEST_CASE("parse_ocsp_request rejects bytes that are not exactly one request", "[ocsp_request]") {
    auto& f = fixture();
    Bytes good = RequestBuilder().add(EVP_sha1(), f.leaf.cert, f.ca.cert()).der();
    REQUIRE(parse_ocsp_request(good, {}));

    SECTION("empty") { CHECK_FALSE(parse_ocsp_request({}, {})); }
    SECTION("trailing garbage") {
        Bytes der = good;
        der.push_back(std::byte{0});
        CHECK_FALSE(parse_ocsp_request(der, {}));
    }
    SECTION("every truncation") {
        for (std::size_t len = 0; len < good.size(); ++len) {
            CAPTURE(len);
            auto req = parse_ocsp_request(ByteView(good).first(len), {});
            REQUIRE_FALSE(req);
            CHECK(req.error() == RequestError::malformed);
        }
    }
    SECTION("random bytes and bit flips") {
        std::mt19937 rng(6960);
        for (int i = 0; i < 2000; ++i) {
            Bytes der = good;
            if (i % 2 == 0) {
                der.resize(rng() % 200);
                for (auto& b : der) {
                    b = static_cast<std::byte>(rng());
                }
            } else {
                der[rng() % der.size()] ^= static_cast<std::byte>(1u << (rng() % 8));
            }
            (void)parse_ocsp_request(der, {});  // must neither crash nor leak
        }
        CHECK(ERR_peek_error() == 0);
    }
}

TEST_CASE("a critical request extension we do not understand is malformed (RFC 6960 4.4)",
          "[ocsp_request]") {
    test::TestCa ca;
    auto leaf = ca.issue("CN=leaf");
    for (bool critical : {false, true}) {
        test::RequestBuilder req;
        req.add(EVP_sha1(), leaf.cert, ca.cert());
        pki::Asn1OctetStringPtr value(ASN1_OCTET_STRING_new());
        const unsigned char null_der[] = {0x05, 0x00};
        ASN1_OCTET_STRING_set(value.get(), null_der, 2);
        // id-pkix-ocsp-pref-sig-algs-like private OID, not known to Tanda.
        pki::Asn1ObjectPtr oid(OBJ_txt2obj("1.3.6.1.4.1.99999.1", 1));
        pki::X509ExtensionPtr ext(
            X509_EXTENSION_create_by_OBJ(nullptr, oid.get(), critical ? 1 : 0, value.get()));
        REQUIRE(OCSP_REQUEST_add_ext(req.get(), ext.get(), -1) == 1);
        auto parsed = pki::parse_ocsp_request(req.der(), {});
        INFO("critical " << critical);
        CHECK(parsed.has_value() == !critical);
    }
}
