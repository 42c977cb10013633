// A CA that publishes CRLs, bound to a fresh index in a temp dir, with a fake clock, and a
// reader of the resulting CRLs through OpenSSL (as a relying party would).
#pragma once

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <catch2/catch.hpp>
#include <ctime>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>

#include "ca/ca_registry.hpp"
#include "core/logger.hpp"
#include "pki/openssl_handles.hpp"
#include "storage/revocation_index.hpp"
#include "tests/support/fake_clock.hpp"
#include "tests/support/served_ca.hpp"
#include "tests/support/temp_dir.hpp"

namespace tanda::test {

// The bytes of a file (a CRL the publisher wrote), empty when it cannot be read.
inline Bytes file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return to_bytes(s);
}

class QuietLogger final : public Logger {
protected:
    void write(std::string_view) override {}
};

struct CrlFixture {
    TempDir dir;
    FakeClock clock{1'790'000'000};
    QuietLogger logger;
    TestCa ca;
    std::unique_ptr<storage::RevocationIndex> index;
    std::unique_ptr<ca::CaRegistry> registry;
    std::string state_dir;

    // `tune` may change the CA's CRL options before the CA is loaded.
    explicit CrlFixture(const std::function<void(ca::CrlOptions&)>& tune = {}) {
        auto options = write_ca_files(dir, "ca", ca, std::nullopt);
        options.crl.enabled = true;
        options.crl.signing_key = options.signer_key;
        options.crl.debounce = std::chrono::seconds(2);
        if (tune) tune(options.crl);
        registry = std::make_unique<ca::CaRegistry>(load_registry({options}));
        open();
        state_dir = (dir / "crl").string();
        std::filesystem::create_directories(state_dir);
    }
    void open() {
        storage::Options o;
        o.path = (dir / "data").string();
        o.map_size = std::size_t{1} << 26;
        index = must(storage::RevocationIndex::open(o));
        must(ca::bind_storage(*registry, *index, clock.now()));
    }
    const ca::ServedCa& served() const { return registry->cas().front(); }

    std::uint64_t commit(storage::ChangeKind kind, std::string_view serial, CertRecord record) {
        storage::Change c{kind, served().issuer_id, *Serial::from_hex(serial), std::move(record)};
        storage::Provenance why;
        why.source = "test";
        return must(index->commit({&c, 1}, why, clock.now())).last_seq;
    }
    std::uint64_t issue(std::string_view serial, UnixSeconds not_after = 1'900'000'000) {
        CertRecord r;
        r.not_after = not_after;
        r.subject = "CN=x";
        return commit(storage::ChangeKind::register_certificate, serial, r);
    }
    std::uint64_t revoke(std::string_view serial, Reason reason,
                         UnixSeconds not_after = 1'900'000'000) {
        CertRecord r;
        r.state = CertState::revoked;
        r.revoked_at = clock.now() - 60;
        r.reason = reason;
        r.not_after = not_after;
        r.subject = "CN=x";
        return commit(storage::ChangeKind::revoke, serial, r);
    }
    std::uint64_t release(std::string_view serial) {
        CertRecord r;
        r.not_after = 1'900'000'000;
        r.subject = "CN=x";
        return commit(storage::ChangeKind::release, serial, r);
    }
};

// What a relying party reads from a CRL: entries by serial hex -> reason code (-1: none).
struct ReadCrl {
    std::map<std::string, int> entries;
    std::uint64_t number = 0;
    std::optional<std::uint64_t> delta_base;
    bool verifies = false;
    UnixSeconds this_update = 0, next_update = 0;
};

inline UnixSeconds crl_time(const ASN1_TIME* t) {
    std::tm tm{};
    REQUIRE(ASN1_TIME_to_tm(t, &tm) == 1);
    return timegm(&tm);
}

inline std::optional<std::uint64_t> crl_int_ext(X509_CRL* crl, int nid) {
    auto* v = static_cast<ASN1_INTEGER*>(X509_CRL_get_ext_d2i(crl, nid, nullptr, nullptr));
    if (!v) return std::nullopt;
    std::uint64_t out = 0;
    ASN1_INTEGER_get_uint64(&out, v);
    ASN1_INTEGER_free(v);
    return out;
}

inline ReadCrl read_crl_der(ByteView der, const pki::Certificate& ca) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    X509_CRL* crl = d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size()));
    REQUIRE(crl != nullptr);
    ReadCrl out;
    out.verifies = X509_CRL_verify(crl, X509_get0_pubkey(ca.handle().get())) == 1;
    out.number = crl_int_ext(crl, NID_crl_number).value_or(0);
    out.delta_base = crl_int_ext(crl, NID_delta_crl);
    out.this_update = crl_time(X509_CRL_get0_lastUpdate(crl));
    out.next_update = crl_time(X509_CRL_get0_nextUpdate(crl));
    auto* revoked = X509_CRL_get_REVOKED(crl);
    for (int i = 0; i < sk_X509_REVOKED_num(revoked); ++i) {
        const X509_REVOKED* r = sk_X509_REVOKED_value(revoked, i);
        BIGNUM* bn = ASN1_INTEGER_to_BN(X509_REVOKED_get0_serialNumber(r), nullptr);
        char* hex = BN_bn2hex(bn);
        auto* reason = static_cast<ASN1_ENUMERATED*>(
            X509_REVOKED_get_ext_d2i(r, NID_crl_reason, nullptr, nullptr));
        out.entries[hex] = reason ? static_cast<int>(ASN1_ENUMERATED_get(reason)) : -1;
        ASN1_ENUMERATED_free(reason);
        OPENSSL_free(hex);
        BN_free(bn);
    }
    X509_CRL_free(crl);
    return out;
}

}  // namespace tanda::test
