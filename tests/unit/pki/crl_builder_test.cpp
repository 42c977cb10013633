#include "pki/crl_builder.hpp"

#include <fcntl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <ctime>

#include "pki/certificate_factory.hpp"
#include "pki/openssl_handles.hpp"
#include "tests/support/crl_tbs.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_ca.hpp"

using namespace tanda;
using namespace tanda::pki;

namespace {

using CrlPtr = std::unique_ptr<X509_CRL, OpenSslDeleter<&X509_CRL_free>>;
constexpr UnixSeconds kNow = 1700000000;  // 2023-11-14T22:13:20Z

UnixSeconds unix_time(const ASN1_TIME* t) {
    std::tm tm{};
    REQUIRE(ASN1_TIME_to_tm(t, &tm) == 1);
    return timegm(&tm);
}

CrlPtr parse(const Bytes& der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    CrlPtr crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size())));
    REQUIRE(crl);
    REQUIRE(p == reinterpret_cast<const unsigned char*>(der.data()) + der.size());
    return crl;
}

std::uint64_t int_ext(X509_CRL* crl, int nid) {
    int crit = 0;
    std::unique_ptr<ASN1_INTEGER, OpenSslDeleter<&ASN1_INTEGER_free>> v(
        static_cast<ASN1_INTEGER*>(X509_CRL_get_ext_d2i(crl, nid, &crit, nullptr)));
    REQUIRE(v);
    std::uint64_t out = 0;
    REQUIRE(ASN1_INTEGER_get_uint64(&out, v.get()) == 1);
    return out;
}

Bytes serial_of(const X509_REVOKED* r) {
    BignumPtr bn(ASN1_INTEGER_to_BN(X509_REVOKED_get0_serialNumber(r), nullptr));
    Bytes out(static_cast<std::size_t>(BN_num_bytes(bn.get())));
    BN_bn2bin(bn.get(), reinterpret_cast<unsigned char*>(out.data()));
    return out;
}

Bytes hex(std::string_view h) { return *from_hex(h); }

struct Signed {
    test::TestCa ca;
    CrlSigner signer;
    explicit Signed(KeyType type = KeyType::ec_p256)
        : ca(type), signer(test::must(CrlSigner::create(ca.cert(), ca.key()))) {}
};

}  // namespace

TEST_CASE("a full CRL verifies and lists every entry exactly", "[crl]") {
    auto type = GENERATE(KeyType::ec_p256, KeyType::ec_p384, KeyType::rsa2048, KeyType::ed25519);
    Signed s(type);
    CrlBuilder b(s.signer, {42, kNow, kNow + 86400, std::nullopt, "", ""});
    Bytes s1 = hex("01"), s2 = hex("80ff"), s3 = hex("0a0b0c"), s4 = hex("00");
    b.add({s1, kNow - 100, Reason::key_compromise, kNow - 5000});
    b.add({s2, kNow - 200, Reason::unspecified, std::nullopt});
    b.add({s3, kNow - 300, Reason::certificate_hold, std::nullopt});
    b.add({s4, kNow - 400, Reason::superseded, std::nullopt});
    CHECK(b.entries() == 4);
    Bytes der = test::must(b.finish());
    auto crl = parse(der);
    CHECK(X509_CRL_get_version(crl.get()) == 1);
    CHECK(X509_CRL_verify(crl.get(), X509_get0_pubkey(s.ca.cert().handle().get())) == 1);
    CHECK(X509_NAME_cmp(X509_CRL_get_issuer(crl.get()),
                        X509_get_subject_name(s.ca.cert().handle().get())) == 0);
    CHECK(unix_time(X509_CRL_get0_lastUpdate(crl.get())) == kNow);
    CHECK(unix_time(X509_CRL_get0_nextUpdate(crl.get())) == kNow + 86400);
    CHECK(int_ext(crl.get(), NID_crl_number) == 42);
    CHECK(X509_CRL_get_ext_by_NID(crl.get(), NID_delta_crl, -1) < 0);
    CHECK(X509_CRL_get_ext_by_NID(crl.get(), NID_authority_key_identifier, -1) >= 0);

    auto* revoked = X509_CRL_get_REVOKED(crl.get());
    REQUIRE(sk_X509_REVOKED_num(revoked) == 4);
    struct Want {
        Bytes serial;
        UnixSeconds at;
        int reason;  // -1: no reasonCode
        bool invalidity;
    };
    std::vector<Want> want = {{s1, kNow - 100, 1, true}, {Bytes{std::byte{0x80}, std::byte{0xff}}, kNow - 200, -1, false},
                              {s3, kNow - 300, 6, false}, {{}, kNow - 400, 4, false}};
    for (int i = 0; i < 4; ++i) {
        const X509_REVOKED* r = sk_X509_REVOKED_value(revoked, i);
        const Want& w = want[static_cast<std::size_t>(i)];
        CHECK(serial_of(r) == w.serial);
        CHECK(unix_time(X509_REVOKED_get0_revocationDate(r)) == w.at);
        int crit = 0;
        std::unique_ptr<ASN1_ENUMERATED, OpenSslDeleter<&ASN1_ENUMERATED_free>> reason(
            static_cast<ASN1_ENUMERATED*>(X509_REVOKED_get_ext_d2i(r, NID_crl_reason, &crit, nullptr)));
        if (w.reason < 0) {
            CHECK(!reason);
        } else {
            REQUIRE(reason);
            CHECK(ASN1_ENUMERATED_get(reason.get()) == w.reason);
        }
        std::unique_ptr<ASN1_GENERALIZEDTIME, OpenSslDeleter<&ASN1_GENERALIZEDTIME_free>> inv(
            static_cast<ASN1_GENERALIZEDTIME*>(
                X509_REVOKED_get_ext_d2i(r, NID_invalidity_date, &crit, nullptr)));
        CHECK(static_cast<bool>(inv) == w.invalidity);
        if (inv) CHECK(unix_time(inv.get()) == kNow - 5000);
    }
}

TEST_CASE("an empty CRL omits revokedCertificates", "[crl]") {
    Signed s;
    CrlBuilder b(s.signer, {1, kNow, kNow + 60, std::nullopt, "", ""});
    Bytes der = test::must(b.finish());
    auto crl = parse(der);
    CHECK(X509_CRL_get_REVOKED(crl.get()) == nullptr);
    CHECK(X509_CRL_verify(crl.get(), X509_get0_pubkey(s.ca.cert().handle().get())) == 1);
}

TEST_CASE("times switch to GeneralizedTime in 2050", "[crl]") {
    Signed s;
    constexpr UnixSeconds k2050 = 2524608000;
    CrlBuilder b(s.signer, {7, k2050 - 1, k2050, std::nullopt, "", ""});
    Bytes serial = hex("05");
    b.add({serial, k2050 + 1, Reason::unspecified, std::nullopt});
    auto crl = parse(test::must(b.finish()));
    CHECK(ASN1_STRING_type(X509_CRL_get0_lastUpdate(crl.get())) == V_ASN1_UTCTIME);
    CHECK(ASN1_STRING_type(X509_CRL_get0_nextUpdate(crl.get())) == V_ASN1_GENERALIZEDTIME);
    CHECK(unix_time(X509_CRL_get0_nextUpdate(crl.get())) == k2050);
    auto* r = sk_X509_REVOKED_value(X509_CRL_get_REVOKED(crl.get()), 0);
    CHECK(ASN1_STRING_type(X509_REVOKED_get0_revocationDate(r)) == V_ASN1_GENERALIZEDTIME);
    CHECK(unix_time(X509_REVOKED_get0_revocationDate(r)) == k2050 + 1);
}

TEST_CASE("a delta CRL carries the base number, removeFromCRL and the scope extensions", "[crl]") {
    Signed s;
    CrlBuilder b(s.signer, {9, kNow, kNow + 3600, 5, "http://example.test/crl/ca.crl", ""});
    Bytes serial = hex("1234");
    b.add({serial, kNow, Reason::remove_from_crl, std::nullopt});
    auto crl = parse(test::must(b.finish()));
    CHECK(int_ext(crl.get(), NID_crl_number) == 9);
    CHECK(int_ext(crl.get(), NID_delta_crl) == 5);
    int idx = X509_CRL_get_ext_by_NID(crl.get(), NID_delta_crl, -1);
    CHECK(X509_EXTENSION_get_critical(X509_CRL_get_ext(crl.get(), idx)) == 1);
    int crit = 0;
    std::unique_ptr<ISSUING_DIST_POINT, OpenSslDeleter<&ISSUING_DIST_POINT_free>> idp(
        static_cast<ISSUING_DIST_POINT*>(
            X509_CRL_get_ext_d2i(crl.get(), NID_issuing_distribution_point, &crit, nullptr)));
    REQUIRE(idp);
    CHECK(crit == 1);
    REQUIRE(idp->distpoint->type == 0);
    GENERAL_NAME* gn = sk_GENERAL_NAME_value(idp->distpoint->name.fullname, 0);
    REQUIRE(gn->type == GEN_URI);
    CHECK(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(gn->d.uniformResourceIdentifier))) ==
          "http://example.test/crl/ca.crl");
    auto* r = sk_X509_REVOKED_value(X509_CRL_get_REVOKED(crl.get()), 0);
    std::unique_ptr<ASN1_ENUMERATED, OpenSslDeleter<&ASN1_ENUMERATED_free>> reason(
        static_cast<ASN1_ENUMERATED*>(X509_REVOKED_get_ext_d2i(r, NID_crl_reason, &crit, nullptr)));
    REQUIRE(reason);
    CHECK(ASN1_ENUMERATED_get(reason.get()) == 8);
}

TEST_CASE("a full CRL points at its delta with Freshest CRL", "[crl]") {
    Signed s;
    CrlBuilder b(s.signer, {3, kNow, kNow + 3600, std::nullopt, "", "http://example.test/d.crl"});
    auto crl = parse(test::must(b.finish()));
    int crit = 1;
    std::unique_ptr<STACK_OF(DIST_POINT), decltype([](STACK_OF(DIST_POINT)* p) {
                        sk_DIST_POINT_pop_free(p, DIST_POINT_free);
                    })>
        dps(static_cast<STACK_OF(DIST_POINT)*>(
            X509_CRL_get_ext_d2i(crl.get(), NID_freshest_crl, &crit, nullptr)));
    REQUIRE(dps);
    CHECK(crit == 0);
    GENERAL_NAME* gn = sk_GENERAL_NAME_value(sk_DIST_POINT_value(dps.get(), 0)->distpoint->name.fullname, 0);
    REQUIRE(gn->type == GEN_URI);
    CHECK(ASN1_STRING_length(gn->d.uniformResourceIdentifier) == 25);
}

TEST_CASE("large CRLs use long-form lengths and still verify", "[crl]") {
    Signed s;
    CrlBuilder b(s.signer, {100, kNow, kNow + 3600, std::nullopt, "", ""}, 20000);
    Bytes serial(16);
    for (std::uint32_t i = 0; i < 20000; ++i) {
        for (int k = 0; k < 4; ++k) serial[12 + static_cast<std::size_t>(k)] = std::byte((i >> (24 - 8 * k)) & 0xff);
        serial[0] = std::byte{0x7f};
        b.add({serial, kNow - i, i % 2 ? Reason::key_compromise : Reason::unspecified, std::nullopt});
    }
    auto crl = parse(test::must(b.finish()));
    CHECK(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl.get())) == 20000);
    CHECK(X509_CRL_verify(crl.get(), X509_get0_pubkey(s.ca.cert().handle().get())) == 1);
}

TEST_CASE("CrlSigner refuses a key that is not the CA's and a non-CA certificate", "[crl]") {
    test::TestCa ca;
    test::TestCa other;
    auto wrong = CrlSigner::create(ca.cert(), other.key());
    REQUIRE(!wrong);
    CHECK(wrong.error().code == ErrorCode::config);
    auto leaf = ca.issue("CN=Leaf,O=Tanda Test,C=ID");
    auto not_ca = CrlSigner::create(leaf.cert, leaf.key);
    REQUIRE(!not_ca);
    CHECK(not_ca.error().message.find("CA") != std::string::npos);
}

namespace {

// The same 3000 entries (reasons, invalidity dates, serials of every length) into `b`.
void add_entries(CrlBuilder& b) {
    Bytes serial(20);
    for (std::uint32_t i = 0; i < 3000; ++i) {
        for (int k = 0; k < 4; ++k)
            serial[16 + static_cast<std::size_t>(k)] = std::byte((i >> (24 - 8 * k)) & 0xff);
        serial[0] = std::byte(i % 3 == 0 ? 0x80 : 0x01);
        std::optional<UnixSeconds> invalid;
        if (i % 7 == 0) invalid = kNow - 86400 - i;
        b.add({ByteView(serial).subspan(i % 5), kNow - i, static_cast<Reason>(i % 6), invalid});
    }
}

Bytes read_whole(int fd) {
    Bytes out(static_cast<std::size_t>(::lseek(fd, 0, SEEK_END)));
    REQUIRE(::pread(fd, out.data(), out.size(), 0) == static_cast<ssize_t>(out.size()));
    return out;
}

}  // namespace

TEST_CASE("a spilled CRL has the same to-be-signed bytes as one built in memory", "[crl]") {
    const auto type =
        GENERATE(KeyType::ec_p256, KeyType::ec_p384, KeyType::rsa2048, KeyType::ed25519);
    Signed s(type);
    test::TempDir dir;
    const CrlParams params{42, kNow, kNow + 3600, std::nullopt, "http://crl.example/ca.crl", ""};
    CrlBuilder memory(s.signer, params);
    add_entries(memory);
    const Bytes in_memory = test::must(memory.finish());

    CrlBuilder spilled(s.signer, params);
    spilled.spill_to(dir.path().string(), 1000);  // a spill every ~25 entries
    add_entries(spilled);
    const int out = ::open(dir.path().c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    REQUIRE(out >= 0);
    REQUIRE(::write(out, "x", 1) == 1);  // written at the descriptor's offset
    const std::size_t size = test::must(spilled.finish_to(out));
    Bytes file = read_whole(out);
    ::close(out);
    REQUIRE(file.size() == size + 1);
    file.erase(file.begin());

    CHECK(test::tbs_of(file) == test::tbs_of(in_memory));
    auto crl = parse(file);
    CHECK(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl.get())) == 3000);
    CHECK(X509_CRL_verify(crl.get(), X509_get0_pubkey(s.ca.cert().handle().get())) == 1);
    // RSA PKCS#1 v1.5 and Ed25519 signatures are deterministic: the whole CRLs are equal.
    if (type == KeyType::rsa2048 || type == KeyType::ed25519) CHECK(file == in_memory);
    CHECK(s.signer.can_stream() == (type != KeyType::ed25519));
}

TEST_CASE("finish refuses a spilled CRL", "[crl]") {
    Signed s;
    test::TempDir dir;
    CrlBuilder b(s.signer, {1, kNow, kNow + 3600, std::nullopt, "", ""});
    b.spill_to(dir.path().string(), 10);
    add_entries(b);
    auto r = b.finish();
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::internal);
}

TEST_CASE("a spill file that cannot be made fails the CRL, not the process", "[crl]") {
    Signed s;
    test::TempDir dir;
    CrlBuilder b(s.signer, {1, kNow, kNow + 3600, std::nullopt, "", ""});
    b.spill_to((dir / "missing").string(), 10);
    add_entries(b);
    CHECK(b.spilled());
    const int out = ::open(dir.path().c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    REQUIRE(out >= 0);
    auto r = b.finish_to(out);
    ::close(out);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::io);
    CHECK(r.error().message.find("missing") != std::string::npos);
}
