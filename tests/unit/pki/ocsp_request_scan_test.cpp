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
    CHECK_FALSE(parsed->nonce);
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

TEST_CASE("other shapes are left to the full parser", "[scan]") {
    test::TestCa ca;
    auto leaf = ca.issue("CN=leaf");
    SECTION("a nonce") {
        test::RequestBuilder req;
        req.add(EVP_sha1(), leaf.cert, ca.cert()).nonce(Bytes(16, std::byte{1}));
        CHECK_FALSE(pki::scan_simple_ocsp_request(req.der()));
    }
    SECTION("two CertIDs") {
        test::RequestBuilder req;
        req.add(EVP_sha1(), leaf.cert, ca.cert()).add(EVP_sha1(), leaf.cert, ca.cert());
        CHECK_FALSE(pki::scan_simple_ocsp_request(req.der()));
    }
    SECTION("MD5") {
        test::RequestBuilder req;
        req.add(EVP_md5(), leaf.cert, ca.cert());
        CHECK_FALSE(pki::scan_simple_ocsp_request(req.der()));
    }
    SECTION("trailing bytes") {
        test::RequestBuilder req;
        req.add(EVP_sha1(), leaf.cert, ca.cert());
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
