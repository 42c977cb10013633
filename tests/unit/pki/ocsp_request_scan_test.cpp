#include "pki/ocsp_request_scan.hpp"

#include <random>

#include <catch2/catch.hpp>

#include "pki/cert_id.hpp"
#include "pki/ocsp_request.hpp"
#include "tests/support/test_ca.hpp"
#include "tests/unit/pki/ocsp_openssl.hpp"

using namespace tanda;

namespace {

bool same(ByteView a, ByteView b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

// Whatever the scanner accepts, the full parser accepts with the same meaning.
void check_agrees_with_parser(ByteView der) {
    auto scanned = pki::scan_simple_ocsp_request(der);
    if (!scanned) return;
    auto parsed = pki::parse_ocsp_request(der, {});
    REQUIRE(parsed);
    REQUIRE(parsed->certs.size() == 1);
    const auto& c = parsed->certs[0];
    CHECK(c.hash == scanned->hash);
    CHECK(same(c.name_hash, scanned->name_hash));
    CHECK(same(c.key_hash, scanned->key_hash));
    CHECK(c.serial == Serial::from_magnitude(scanned->serial));
    CHECK(same(c.cert_id_der, scanned->cert_id_der));
    REQUIRE(parsed->nonce.has_value() == scanned->nonce.has_value());
    if (parsed->nonce) CHECK(same(*parsed->nonce, *scanned->nonce));
    CHECK(pki::to_request(*scanned) == *parsed);
}

Bytes bytes(std::initializer_list<unsigned> v) {
    Bytes out;
    for (unsigned b : v) out.push_back(std::byte(b));
    return out;
}

}  // namespace

TEST_CASE("the simple shape is recognised for every accepted hash", "[scan]") {
    test::TestCa ca;
    auto leaf = ca.issue("CN=leaf");
    auto md = GENERATE(EVP_sha1(), EVP_sha256(), EVP_sha384(), EVP_sha512());
    test::RequestBuilder req;
    req.add(md, leaf.cert, ca.cert());
    Bytes der = req.der();
    auto scanned = pki::scan_simple_ocsp_request(der);
    REQUIRE(scanned);
    CHECK(same(scanned->name_hash, ca.cert().name_hash(scanned->hash)));
    CHECK(same(scanned->key_hash, ca.cert().key_hash(scanned->hash)));
    CHECK(Serial::from_magnitude(scanned->serial) == leaf.cert.serial());
    check_agrees_with_parser(der);
}

TEST_CASE("a nonce, the request's only extension, is read", "[scan]") {
    test::TestCa ca;
    auto leaf = ca.issue("CN=leaf");
    test::RequestBuilder req;
    req.add(EVP_sha256(), leaf.cert, ca.cert());
    Bytes want;
    SECTION("32 bytes, as openssl ocsp -nonce and most clients send") {
        want = Bytes(32, std::byte{0xa5});
        req.nonce(want);
    }
    SECTION("one byte") {
        want = bytes({0x00});
        req.nonce(want);
    }
    SECTION("empty (the responder's nonce policy refuses it, not the scanner)") {
        req.raw_nonce_ext(bytes({0x04, 0x00}));
    }
    SECTION("marked critical") {
        want = Bytes(16, std::byte{7});
        req.extension(NID_id_pkix_OCSP_Nonce, true, bytes({0x04, 0x10, 7, 7, 7, 7, 7, 7, 7, 7, 7,
                                                           7, 7, 7, 7, 7, 7, 7}));
    }
    const Bytes der = req.der();
    auto scanned = pki::scan_simple_ocsp_request(der);
    REQUIRE(scanned);
    REQUIRE(scanned->nonce);
    CHECK(same(*scanned->nonce, want));
    CHECK(Serial::from_magnitude(scanned->serial) == leaf.cert.serial());
    check_agrees_with_parser(der);
}

TEST_CASE("other shapes are left to the full parser", "[scan]") {
    test::TestCa ca;
    auto leaf = ca.issue("CN=leaf");
    test::RequestBuilder req;
    req.add(EVP_sha1(), leaf.cert, ca.cert());
    SECTION("a nonce not wrapped in an OCTET STRING (the parser refuses it)") {
        req.raw_nonce_ext(Bytes(16, std::byte{1}));
        CHECK_FALSE(pki::scan_simple_ocsp_request(req.der()));
        CHECK_FALSE(pki::parse_ocsp_request(req.der(), {}));
    }
    SECTION("a nonce with something after its OCTET STRING") {
        req.raw_nonce_ext(bytes({0x04, 0x01, 0x01, 0x00}));
        CHECK_FALSE(pki::scan_simple_ocsp_request(req.der()));
    }
    SECTION("a nonce and another extension") {
        req.nonce(Bytes(16, std::byte{1}))
            .extension(NID_id_pkix_OCSP_serviceLocator, false, bytes({0x30, 0x00}));
        CHECK_FALSE(pki::scan_simple_ocsp_request(req.der()));
    }
    SECTION("another extension alone") {
        req.extension(NID_id_pkix_OCSP_acceptableResponses, false, bytes({0x30, 0x00}));
        CHECK_FALSE(pki::scan_simple_ocsp_request(req.der()));
    }
    SECTION("two nonces (add1_nonce replaces, add_ext appends)") {
        req.nonce(Bytes(1, std::byte{1})).raw_nonce_ext(bytes({0x04, 0x01, 0x02}));
        CHECK_FALSE(pki::scan_simple_ocsp_request(req.der()));
    }
    SECTION("two CertIDs") {
        req.add(EVP_sha1(), leaf.cert, ca.cert());
        CHECK_FALSE(pki::scan_simple_ocsp_request(req.der()));
    }
    SECTION("MD5") {
        test::RequestBuilder md5;
        md5.add(EVP_md5(), leaf.cert, ca.cert());
        CHECK_FALSE(pki::scan_simple_ocsp_request(md5.der()));
    }
    SECTION("trailing bytes") {
        Bytes der = req.der();
        der.push_back(std::byte{0});
        CHECK_FALSE(pki::scan_simple_ocsp_request(der));
    }
}

TEST_CASE("mutated and truncated requests never disagree with the parser", "[scan]") {
    test::TestCa ca;
    auto leaf = ca.issue("CN=leaf");
    test::RequestBuilder req;
    req.add(EVP_sha256(), leaf.cert, ca.cert());
    SECTION("without a nonce") {}
    SECTION("with a nonce") { req.nonce(Bytes(32, std::byte{0x5a})); }
    const Bytes der = req.der();
    for (std::size_t n = 0; n < der.size(); ++n) {
        CHECK_FALSE(pki::scan_simple_ocsp_request(ByteView(der).first(n)));
    }
    std::mt19937 rng(42);
    for (int i = 0; i < 5000; ++i) {
        Bytes m = der;
        m[rng() % m.size()] ^= std::byte(1u << (rng() % 8));
        check_agrees_with_parser(m);
    }
}

TEST_CASE("encode_cert_id matches OpenSSL's CertID for every hash", "[cert_id]") {
    test::TestCa ca;
    auto leaf = ca.issue("CN=leaf");
    auto [alg, md] = GENERATE(table<pki::HashAlgorithm, const EVP_MD*>({
        {pki::HashAlgorithm::sha1, EVP_sha1()},
        {pki::HashAlgorithm::sha256, EVP_sha256()},
        {pki::HashAlgorithm::sha384, EVP_sha384()},
        {pki::HashAlgorithm::sha512, EVP_sha512()},
    }));
    auto ours = pki::encode_cert_id(alg, ca.cert(), leaf.cert.serial());
    auto theirs = test::cert_id_der(test::cert_id(md, leaf.cert, ca.cert()).get());
    CHECK(ours == theirs);
}
