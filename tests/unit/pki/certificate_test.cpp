#include "pki/certificate.hpp"

#include <openssl/pem.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "pki/cert_id_hash.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_ca.hpp"
#include "tests/unit/pki/ocsp_openssl.hpp"

using namespace tanda;
using namespace tanda::pki;

namespace {

struct Fixture {
    test::TestCa ca;
    test::TestCa other_ca{KeyType::ec_p256, "CN=Other CA,O=Tanda Test,C=ID"};
    test::IssuedCert leaf = ca.issue("CN=Leaf,O=Tanda Test,C=ID");
    test::IssuedCert signer = ca.ocsp_signer();
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

Bytes bytes_of(const ASN1_OCTET_STRING* s) {
    auto* p = reinterpret_cast<const std::byte*>(ASN1_STRING_get0_data(s));
    return Bytes(p, p + ASN1_STRING_length(s));
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("CertID hashes equal OpenSSL's OCSP_cert_to_id", "[certificate]") {
    HashAlgorithm alg =
        GENERATE(from_range(std::begin(kAllHashAlgorithms), std::end(kAllHashAlgorithms)));
    KeyType type = GENERATE(KeyType::ec_p256, KeyType::rsa2048, KeyType::ed25519);
    CAPTURE(hash_name(alg), static_cast<int>(type));
    test::TestCa ca(type);
    auto leaf = ca.issue("CN=Leaf,C=ID");
    auto id = test::cert_id(evp_md(alg), leaf.cert, ca.cert());
    REQUIRE(id);
    ASN1_OCTET_STRING* name_hash = nullptr;
    ASN1_OCTET_STRING* key_hash = nullptr;
    ASN1_OBJECT* md = nullptr;
    ASN1_INTEGER* serial = nullptr;
    REQUIRE(OCSP_id_get0_info(&name_hash, &md, &key_hash, &serial, id.get()) == 1);
    CHECK(ca.cert().name_hash(alg) == bytes_of(name_hash));
    CHECK(ca.cert().key_hash(alg) == bytes_of(key_hash));
    CHECK(hash_from_nid(OBJ_obj2nid(md)) == alg);
}

TEST_CASE("hash_name names each algorithm", "[certificate]") {
    CHECK(hash_name(HashAlgorithm::sha1) == "sha1");
    CHECK(hash_name(HashAlgorithm::sha256) == "sha256");
    CHECK(hash_name(HashAlgorithm::sha384) == "sha384");
    CHECK(hash_name(HashAlgorithm::sha512) == "sha512");
}

TEST_CASE("Certificate exposes its fields", "[certificate]") {
    auto& f = fixture();
    const Certificate& leaf = f.leaf.cert;
    CHECK(leaf.subject() == "CN=Leaf,O=Tanda Test,C=ID");
    CHECK(leaf.issuer() == "CN=Test CA,O=Tanda Test,C=ID");
    CHECK(leaf.not_after() - leaf.not_before() == 3600 + 30 * 86400);
    CHECK(leaf.serial().to_hex().substr(0, 2) == "7A");
    CHECK(f.ca.cert().is_ca());
    CHECK_FALSE(leaf.is_ca());
    CHECK_FALSE(leaf.has_ocsp_signing());
    CHECK(f.signer.cert.has_ocsp_signing());
    CHECK(leaf.spki_sha256().size() == 32);
    CHECK(leaf.spki_sha256() != f.ca.cert().spki_sha256());
}

TEST_CASE("Certificate knows who issued it", "[certificate]") {
    auto& f = fixture();
    CHECK(f.ca.cert().is_self_signed());
    CHECK_FALSE(f.leaf.cert.is_self_signed());
    CHECK(f.leaf.cert.issued_by(f.ca.cert()));
    CHECK_FALSE(f.leaf.cert.issued_by(f.other_ca.cert()));
    CHECK_FALSE(f.ca.cert().issued_by(f.leaf.cert));
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("Certificate round-trips through DER and PEM files", "[certificate]") {
    auto& f = fixture();
    test::TempDir dir;
    const Certificate& leaf = f.leaf.cert;

    auto from_der = Certificate::from_der(leaf.der());
    REQUIRE(from_der);
    CHECK(from_der->der() == leaf.der());

    std::string der_path = (dir / "leaf.der").string();
    REQUIRE(write_file_atomic(der_path, as_chars(leaf.der()), 0644));
    auto loaded_der = Certificate::load_file(der_path);
    REQUIRE(loaded_der);
    CHECK(loaded_der->der() == leaf.der());

    std::string pem_path = (dir / "chain.pem").string();
    REQUIRE(write_file_atomic(pem_path, leaf.pem() + f.ca.cert().pem(), 0644));
    auto first = Certificate::load_file(pem_path);
    REQUIRE(first);
    CHECK(first->der() == leaf.der());
    auto all = Certificate::load_all(pem_path);
    REQUIRE(all);
    REQUIRE(all->size() == 2);
    CHECK((*all)[1].der() == f.ca.cert().der());
}

TEST_CASE("Certificate loading reports missing and broken input", "[certificate]") {
    test::TempDir dir;
    auto missing = Certificate::load_file((dir / "nope.pem").string());
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == ErrorCode::not_found);

    REQUIRE(
        write_file_atomic((dir / "bad.pem").string(), "-----BEGIN CERTIFICATE-----\nAAAA\n", 0644));
    auto bad = Certificate::load_file((dir / "bad.pem").string());
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == ErrorCode::crypto);

    Bytes der = fixture().leaf.cert.der();
    der.push_back(std::byte{0});
    CHECK_FALSE(Certificate::from_der(der));
    CHECK_FALSE(Certificate::from_der({}));
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("PrivateKey loads its PEM, matches its certificate and names its algorithm",
          "[certificate]") {
    auto [type, name] =
        GENERATE(std::pair{KeyType::ec_p256, "EC-P-256"}, std::pair{KeyType::ec_p384, "EC-P-384"},
                 std::pair{KeyType::rsa2048, "RSA-2048"}, std::pair{KeyType::rsa3072, "RSA-3072"},
                 std::pair{KeyType::ed25519, "ED25519"});
    CAPTURE(name);
    auto& f = fixture();
    PrivateKey key = test::must(generate_key(type));
    CHECK(key.algorithm() == name);
    test::TempDir dir;
    REQUIRE(write_file_atomic((dir / "key.pem").string(), key.pem(), 0600));
    CHECK(key.pem().starts_with("-----BEGIN PRIVATE KEY-----"));
    auto loaded = PrivateKey::load_file((dir / "key.pem").string());
    REQUIRE(loaded);
    CHECK(loaded->algorithm() == name);
    CHECK(loaded->pem() == key.pem());
    CHECK_FALSE(loaded->matches(f.leaf.cert));
    CHECK(f.leaf.key.matches(f.leaf.cert));
    // Only the keys OpenSSL 3.0 signs with in tens of microseconds may sign on I/O threads.
    CHECK(loaded->signs_quickly() == (type == KeyType::ec_p256 || type == KeyType::ed25519));
}

TEST_CASE("PrivateKey refuses a missing or encrypted key", "[certificate]") {
    test::TempDir dir;
    CHECK(PrivateKey::load_file((dir / "nope.pem").string()).error().code == ErrorCode::not_found);
    PrivateKey key = test::must(generate_key(KeyType::ec_p256));
    BioPtr bio(BIO_new(BIO_s_mem()));
    REQUIRE(PEM_write_bio_PKCS8PrivateKey(bio.get(), key.handle().get(), EVP_aes_128_cbc(), "pw", 2,
                                          nullptr, nullptr) == 1);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    REQUIRE(write_file_atomic((dir / "enc.pem").string(), std::string_view(data, len), 0600));
    auto loaded = PrivateKey::load_file((dir / "enc.pem").string());
    REQUIRE_FALSE(loaded);
    CHECK(loaded.error().code == ErrorCode::crypto);
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("PrivateKey loads DER too and refuses what is not a key file", "[certificate]") {
    test::TempDir dir;
    PrivateKey key = test::must(generate_key(KeyType::ec_p256));
    BioPtr bio(BIO_new(BIO_s_mem()));
    REQUIRE(i2d_PrivateKey_bio(bio.get(), key.handle().get()) == 1);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    REQUIRE(write_file_atomic((dir / "key.der").string(), std::string_view(data, len), 0600));
    auto der = PrivateKey::load_file((dir / "key.der").string());
    REQUIRE(der);
    CHECK(der->pem() == key.pem());
    auto directory = PrivateKey::load_file(dir.path().string());
    REQUIRE_FALSE(directory);
    CHECK(directory.error().code == ErrorCode::io);
    REQUIRE(write_file_atomic((dir / "huge.pem").string(), std::string((1 << 20) + 1, 'A'), 0600));
    auto huge = PrivateKey::load_file((dir / "huge.pem").string());
    REQUIRE_FALSE(huge);
    CHECK_THAT(huge.error().message, Catch::Contains("at most 1 MiB"));
    REQUIRE(write_file_atomic((dir / "empty.pem").string(), "", 0600));
    CHECK(PrivateKey::load_file((dir / "empty.pem").string()).error().code == ErrorCode::crypto);
}

TEST_CASE("write_file_atomic replaces the file with the given mode", "[certificate]") {
    test::TempDir dir;
    std::string path = (dir / "out.txt").string();
    REQUIRE(write_file_atomic(path, "first", 0600));
    REQUIRE(write_file_atomic(path, "second", 0640));
    CHECK(slurp(path) == "second");
    struct stat st {};
    REQUIRE(stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0640);
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path()),
                        std::filesystem::directory_iterator()) == 1);  // no temp file left

    auto failed = write_file_atomic((dir / "missing/out.txt").string(), "x", 0600);
    REQUIRE_FALSE(failed);
    CHECK(failed.error().code == ErrorCode::io);
}
