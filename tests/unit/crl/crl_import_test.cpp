#include "crl/crl_import.hpp"

#include <catch2/catch.hpp>

#include "core/sha256.hpp"
#include "crl/crl_continuity.hpp"
#include "crl/imported_crls.hpp"
#include "pki/crl_builder.hpp"
#include "tests/unit/crl/crl_fixture.hpp"

using namespace tanda;

namespace {

// A CA whose key stays offline (crl.source: import): the test signs its CRLs, Tanda never does.
struct ImportFixture : test::CrlFixture {
    ImportFixture()
        : test::CrlFixture([](ca::CrlOptions& crl) {
              crl.source = ca::CrlSource::imported;
              crl.signing_key.clear();
          }) {}

    // A CRL of `signer`'s CA numbered `number`, valid for a week from an hour ago.
    static Bytes signed_crl(const test::TestCa& signer, std::uint64_t number,
                            const std::vector<pki::CrlEntry>& entries, UnixSeconds now,
                            std::optional<std::uint64_t> base = std::nullopt) {
        auto crl_signer = test::must(pki::CrlSigner::create(signer.cert(), signer.key()));
        pki::CrlParams p;
        p.number = number;
        p.this_update = now - 3600;
        p.next_update = now + 7 * 86400;
        p.delta_base = base;
        pki::CrlBuilder b(crl_signer, p);
        for (const auto& e : entries) b.add(e);
        return test::must(b.finish());
    }
    Bytes crl(std::uint64_t number, const std::vector<pki::CrlEntry>& entries,
              std::optional<std::uint64_t> base = std::nullopt) const {
        return signed_crl(ca, number, entries, clock.now(), base);
    }
    Result<crl::CrlImport> import(ByteView der) {
        storage::Provenance why;
        why.source = "test";
        return crl::import_crl(served(), *index, state_dir, der, why, clock.now());
    }
    CertRecord record(std::string_view serial) {
        auto r = test::must(index->find(served().issuer_id, *Serial::from_hex(serial)));
        REQUIRE(r);
        return *r;
    }
    std::uint64_t head() { return test::must(index->journal_head()).seq; }
};

pki::CrlEntry entry(const Serial& s, Reason reason, UnixSeconds at,
                    std::optional<UnixSeconds> invalidity = std::nullopt) {
    return {s.bytes(), at, reason, invalidity};
}

const Serial kA = *Serial::from_hex("0A");
const Serial kB = *Serial::from_hex("0B");
const Serial kC = *Serial::from_hex("0C");
const Serial kD = *Serial::from_hex("0D");
const Serial kE = *Serial::from_hex("0E");

}  // namespace

TEST_CASE("an offline CA's CRL is checked, its revocations journaled, and installed as it is",
          "[import]") {
    ImportFixture f;
    f.issue("0A");
    f.issue("0B");
    f.revoke("0C", Reason::certificate_hold);  // on hold, and no longer on the CA's CRL
    const UnixSeconds t = f.clock.now() - 7200;
    const Bytes der =
        f.crl(5, {entry(kA, Reason::key_compromise, t, t - 50), entry(kD, Reason::superseded, t)});
    auto done = f.import(der);
    REQUIRE(done);
    CHECK(done->number == 5);
    CHECK(done->entries == 2);
    CHECK(done->revoked == 2);   // 0A, and 0D which was never registered
    CHECK(done->released == 1);  // 0C's hold was lifted
    CHECK(f.record("0A").state == CertState::revoked);
    CHECK(f.record("0A").reason == Reason::key_compromise);
    CHECK(f.record("0A").revoked_at == t);
    CHECK(f.record("0A").invalidity_date == t - 50);
    CHECK(f.record("0D").reason == Reason::superseded);
    CHECK(f.record("0B").state == CertState::issued);
    CHECK(f.record("0C").state == CertState::issued);
    CHECK(test::file_bytes(done->path) == der);  // served byte for byte
    CHECK(done->path == f.state_dir + "/ca.crl");
    // The journal says which CRL it came from.
    auto entries = test::must(f.index->journal(1, 100));
    const auto& last = entries.back();
    CHECK(last.provenance.evidence_sha256 == to_hex(Sha256::digest(der)));
    CHECK(last.provenance.note == "CRL number 5 imported");
    // The same number again, or a lower one, is refused.
    CHECK(f.import(der).error().code == ErrorCode::conflict);
    CHECK(f.import(f.crl(4, {})).error().code == ErrorCode::conflict);
    CHECK(f.import(f.crl(6, {entry(kA, Reason::key_compromise, t)})));
}

TEST_CASE("a CRL that is not the CA's, or not sane, is refused and changes nothing", "[import]") {
    ImportFixture f;
    f.issue("0A");
    const UnixSeconds now = f.clock.now();
    test::TestCa stranger(pki::KeyType::ec_p256, "CN=Test CA,O=Tanda Test,C=ID");  // same name
    auto refused = [&](const Bytes& der, ErrorCode code, const std::string& says) {
        const auto before = f.head();
        auto r = f.import(der);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == code);
        CHECK_THAT(r.error().message, Catch::Contains(says));
        CHECK(f.head() == before);
        CHECK_FALSE(std::filesystem::exists(f.state_dir + "/ca.crl"));
    };
    refused(ImportFixture::signed_crl(stranger, 5, {entry(kA, Reason::key_compromise, now)}, now),
            ErrorCode::invalid_argument, "not a CRL of CA ca");
    refused(ImportFixture::signed_crl(f.ca, 5, {}, now + 7200), ErrorCode::invalid_argument,
            "is in the future");
    refused(ImportFixture::signed_crl(f.ca, 5, {}, now - 8 * 86400), ErrorCode::invalid_argument,
            "past its nextUpdate");
    refused(f.crl(5, {entry(kA, Reason::remove_from_crl, now)}), ErrorCode::invalid_argument,
            "only a delta CRL");
    refused(f.crl(5, {}, 4), ErrorCode::conflict, "import CRL 4 first");
    // A number the CA's CRL counter already passed (a CA that moved with `tanda import`).
    test::must(crl::continue_crl_numbers_above(*f.index, f.served().issuer_id, 9));
    refused(f.crl(9, {}), ErrorCode::conflict, "is not above 9");
    CHECK(f.record("0A").state == CertState::issued);
}

TEST_CASE("a CA that signs its own CRLs takes no imported one", "[import]") {
    test::CrlFixture f;
    storage::Provenance why;
    auto der = ImportFixture::signed_crl(f.ca, 5, {}, f.clock.now());
    auto r = crl::import_crl(f.served(), *f.index, f.state_dir, der, why, f.clock.now());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::conflict);
}

TEST_CASE("an import never undoes a revocation; an expired hold gone from the CRL stays",
          "[import]") {
    ImportFixture f;
    f.revoke("0A", Reason::key_compromise);
    const auto kept = f.record("0A");
    f.revoke("0E", Reason::certificate_hold, f.clock.now() - 86400 * 2);  // expired before
    REQUIRE(f.import(f.crl(5, {entry(kA, Reason::superseded, f.clock.now() - 10)})));
    auto again = f.import(f.crl(6, {}));  // 0A's entry dropped (as after its expiry)
    REQUIRE(again);
    CHECK(again->kept_expired == 1);
    CHECK(again->released == 0);
    CHECK(f.record("0A").same_content(kept));
    CHECK(f.record("0E").on_hold());
}

TEST_CASE("delta CRLs: removeFromCRL lifts a hold, never a final revocation; bases in order",
          "[import]") {
    ImportFixture f;
    f.issue("0B");
    const UnixSeconds t = f.clock.now() - 600;
    REQUIRE(f.import(
        f.crl(10, {entry(kA, Reason::key_compromise, t), entry(kC, Reason::certificate_hold, t)})));
    CHECK(f.record("0C").on_hold());
    auto delta = f.import(
        f.crl(11,
              {entry(kA, Reason::remove_from_crl, t), entry(kC, Reason::remove_from_crl, t),
               entry(kB, Reason::cessation_of_operation, t)},
              10));
    REQUIRE(delta);
    CHECK(delta->delta_base == 10);
    CHECK(delta->path == f.state_dir + "/ca-delta.crl");
    CHECK(delta->released == 1);
    CHECK(f.record("0C").state == CertState::issued);
    CHECK(f.record("0A").state == CertState::revoked);  // expired off the base: still revoked
    CHECK(f.record("0B").reason == Reason::cessation_of_operation);
    auto ahead = f.import(f.crl(12, {}, 13));
    REQUIRE_FALSE(ahead);
    CHECK_THAT(ahead.error().message, Catch::Contains("newer than the complete CRL 10"));
}

TEST_CASE("imported CRLs are served from their files, and a replaced file at once", "[import]") {
    ImportFixture f;
    crl::ImportedCrls served(f.served(), f.state_dir, f.logger);
    served.refresh();
    CHECK_FALSE(served.full());
    REQUIRE(f.import(f.crl(5, {entry(kA, Reason::key_compromise, f.clock.now())})));
    served.refresh();
    REQUIRE(served.full());
    CHECK(served.full()->number == 5);
    CHECK(served.full()->entries == 1);
    CHECK_FALSE(served.delta());
    REQUIRE(f.import(f.crl(6, {})));
    REQUIRE(f.import(f.crl(7, {}, 6)));
    served.refresh();
    CHECK(served.full()->number == 6);
    REQUIRE(served.delta());
    CHECK(served.delta()->delta_base == 6);
    // A file that does not verify is not served; the CRL served before stays.
    test::write_pem(f.state_dir + "/ca.crl", "not a CRL");
    served.refresh();
    CHECK(served.full()->number == 6);
}

TEST_CASE("a complete CRL and the delta issued with it share a number, in either order",
          "[import]") {
    ImportFixture f;
    REQUIRE(f.import(f.crl(19, {})));
    REQUIRE(f.import(f.crl(20, {})));
    CHECK(f.import(f.crl(20, {}, 19)));  // the delta issued with complete CRL 20
    CHECK(f.import(f.crl(20, {})).error().code == ErrorCode::conflict);  // not twice
    REQUIRE(f.import(f.crl(21, {}, 20)));  // the delta first this time
    CHECK(f.import(f.crl(21, {})));
    CHECK(f.import(f.crl(21, {}, 20)).error().code == ErrorCode::conflict);
}

TEST_CASE("a newer complete CRL retires the older delta", "[import]") {
    ImportFixture f;
    crl::ImportedCrls served(f.served(), f.state_dir, f.logger);
    REQUIRE(f.import(f.crl(10, {})));
    REQUIRE(f.import(f.crl(11, {}, 10)));
    served.refresh();
    REQUIRE(served.delta());
    REQUIRE(f.import(f.crl(12, {})));
    CHECK_FALSE(std::filesystem::exists(f.state_dir + "/ca-delta.crl"));
    served.refresh();
    CHECK(served.full()->number == 12);
    CHECK_FALSE(served.delta());
}

TEST_CASE("a hold on an offline CA's CRL may become final, never the reverse", "[import]") {
    ImportFixture f;
    const UnixSeconds t = f.clock.now() - 600;
    REQUIRE(f.import(f.crl(5, {entry(kA, Reason::certificate_hold, t)})));
    CHECK(f.record("0A").on_hold());
    REQUIRE(f.import(f.crl(6, {entry(kA, Reason::key_compromise, t + 60)})));
    CHECK(f.record("0A").reason == Reason::key_compromise);
    auto back = f.import(f.crl(7, {entry(kA, Reason::certificate_hold, t + 120)}));
    REQUIRE(back);
    CHECK(back->unchanged == 1);
    CHECK(f.record("0A").reason == Reason::key_compromise);
}
