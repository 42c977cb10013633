#include "crl/crl_generator.hpp"

#include <catch2/catch.hpp>
#include <random>

#include "tests/support/crl_tbs.hpp"
#include "tests/unit/crl/crl_fixture.hpp"

using namespace tanda;
using crl::CrlBase;
using storage::ChangeKind;
using Entries = std::map<std::string, int>;

TEST_CASE("the full CRL lists revoked and held certificates, not issued ones", "[crl]") {
    test::CrlFixture f;
    f.issue("01");
    f.revoke("02", Reason::key_compromise);
    f.revoke("03", Reason::certificate_hold);
    f.revoke("04", Reason::unspecified);
    auto head = f.issue("05");
    auto crl = test::must(crl::generate_full_crl(f.served(), *f.index, 7, f.clock.now(), 0));
    CHECK(crl.entries == 3);
    CHECK(crl.base.number == 7);
    CHECK(crl.base.seq == head);
    auto read = test::read_crl_der(crl.der, f.ca.cert());
    CHECK(read.verifies);
    CHECK(read.number == 7);
    CHECK(!read.delta_base);
    CHECK(read.entries == Entries{{"02", 1}, {"03", 6}, {"04", -1}});
    CHECK(read.next_update - read.this_update == 7 * 86400);
}

TEST_CASE("expired certificates are dropped after the cutoff unless kept", "[crl]") {
    bool keep = GENERATE(false, true);
    test::CrlFixture f([&](ca::CrlOptions& o) { o.keep_expired = keep; });
    const UnixSeconds now = f.clock.now();
    f.revoke("0A", Reason::superseded, now - 10 * 86400);  // expired before the cutoff
    f.revoke("0B", Reason::superseded, now - 3600);        // expired after it
    f.revoke("0C", Reason::superseded, 0);                  // notAfter unknown
    auto crl = test::must(crl::generate_full_crl(f.served(), *f.index, 1, now, now - 86400));
    auto read = test::read_crl_der(crl.der, f.ca.cert());
    if (keep) {
        CHECK(read.entries == Entries{{"0A", 4}, {"0B", 4}, {"0C", 4}});
    } else {
        CHECK(read.entries == Entries{{"0B", 4}, {"0C", 4}});
    }
}

TEST_CASE("a delta lists exactly the changes after its base, removeFromCRL for releases",
          "[crl]") {
    test::CrlFixture f([](ca::CrlOptions& o) {
        o.delta.enabled = true;
        o.delta.url = "http://x/ca-delta.crl";
    });
    f.revoke("01", Reason::key_compromise);
    f.revoke("02", Reason::certificate_hold);
    f.revoke("03", Reason::certificate_hold);
    f.issue("04");
    auto base = test::must(crl::generate_full_crl(f.served(), *f.index, 10, f.clock.now(), 0));
    f.revoke("04", Reason::affiliation_changed);  // newly revoked
    f.release("02");                               // hold released
    f.revoke("03", Reason::key_compromise);        // hold made final
    f.issue("05");                                 // new, not revoked: not listed
    f.revoke("06", Reason::certificate_hold);      // held and released after the base
    f.release("06");
    auto delta = test::must(crl::generate_delta_crl(f.served(), *f.index, 11, f.clock.now(), base.base));
    auto read = test::read_crl_der(delta.der, f.ca.cert());
    CHECK(read.verifies);
    CHECK(read.number == 11);
    CHECK(read.delta_base == std::optional<std::uint64_t>(10));
    CHECK(read.entries == Entries{{"02", 8}, {"03", 1}, {"04", 3}, {"06", 8}});
    CHECK(read.next_update - read.this_update == 86400);
    auto empty = test::must(crl::generate_delta_crl(
        f.served(), *f.index, 12, f.clock.now(), {10, 1'000'000, f.clock.now(), 0}));
    CHECK(empty.entries == 0);
}

TEST_CASE("a delta leaves out what dual control only asked for (audit entries)", "[crl]") {
    test::CrlFixture f([](ca::CrlOptions& o) {
        o.delta.enabled = true;
        o.delta.url = "http://x/ca-delta.crl";
    });
    f.issue("01");
    f.issue("02");
    auto base = test::must(crl::generate_full_crl(f.served(), *f.index, 10, f.clock.now(), 0));
    // A pending revocation of 01 (submitted, then refused on approval): never applied.
    CertRecord asked;
    asked.state = CertState::revoked;
    asked.reason = Reason::key_compromise;
    asked.revoked_at = f.clock.now() - 60;
    asked.subject = "CN=x";
    for (auto kind : {ChangeKind::submitted, ChangeKind::refused}) {
        storage::Change c{kind, f.served().issuer_id, *Serial::from_hex("01"), asked};
        storage::Provenance why;
        why.request_id = "r1";
        REQUIRE(f.index->append_audit(c, why, f.clock.now()));
    }
    f.revoke("02", Reason::superseded);
    auto delta =
        test::must(crl::generate_delta_crl(f.served(), *f.index, 11, f.clock.now(), base.base));
    CHECK(test::read_crl_der(delta.der, f.ca.cert()).entries == Entries{{"02", 4}});
}

TEST_CASE("the base round-trips through its metadata text", "[crl]") {
    crl::CrlBase b{5, 99, 1'790'000'000, 1'780'000'000};
    auto back = crl::decode_crl_base(crl::encode_crl_base(b));
    REQUIRE(back);
    CHECK(back->number == 5);
    CHECK(back->seq == 99);
    CHECK(back->this_update == b.this_update);
    CHECK(back->expired_cutoff == b.expired_cutoff);
    CHECK(!crl::decode_crl_base("garbage"));
}

TEST_CASE("changed_issuers names the issuers of the journal window", "[crl]") {
    test::CrlFixture f;
    auto before = test::must(crl::journal_head(*f.index));
    f.revoke("01", Reason::key_compromise);
    auto head = test::must(crl::journal_head(*f.index));
    auto changed = test::must(crl::changed_issuers(*f.index, before, head, 100));
    REQUIRE(changed);
    CHECK(*changed == std::set<storage::IssuerId>{f.served().issuer_id});
    CHECK(!test::must(crl::changed_issuers(*f.index, 0, head, 0)));

    // An audit entry (here a CRL's own crl_published entry) changes nothing a CRL lists, so it
    // does not call for another CRL.
    storage::Change published{ChangeKind::crl_published, f.served().issuer_id,
                              *Serial::from_hex("05"), CertRecord{}};
    storage::Provenance source;
    source.source = "crl;number=5;this_update=1;delta=0;after_seq=0;covered_seq=1";
    REQUIRE(f.index->append_audit(published, source, f.clock.now()));
    auto after = test::must(crl::changed_issuers(*f.index, head, head + 1, 100));
    REQUIRE(after);
    CHECK(after->empty());
}

TEST_CASE("a CRL generated into a file spills its entries and reads back the same", "[crl]") {
    test::CrlFixture f;
    for (int i = 1; i <= 200; ++i) {
        char serial[8];
        std::snprintf(serial, sizeof serial, "%04X", i);
        f.revoke(serial, i % 2 ? Reason::key_compromise : Reason::superseded);
    }
    const UnixSeconds now = f.clock.now();
    auto memory = test::must(crl::generate_full_crl(f.served(), *f.index, 9, now, 0));
    const std::string path = f.state_dir + "/streamed.crl";
    auto file = test::must(pki::AtomicFile::create(path, 0644));
    // A 64-byte threshold: the entries go through the spill file a few at a time.
    auto streamed =
        test::must(crl::generate_full_crl(f.served(), *f.index, 9, now, 0, {&file, 64}));
    test::must(file.commit());
    CHECK(streamed.entries == 200);
    CHECK(streamed.spilled);
    CHECK_FALSE(memory.spilled);
    CHECK(streamed.der == test::file_bytes(path));  // served from the file it was written to
    auto read = test::read_crl_der(streamed.der, f.ca.cert());
    CHECK(read.verifies);
    CHECK(read.number == 9);
    CHECK(read.entries == test::read_crl_der(memory.der, f.ca.cert()).entries);
    CHECK(read.entries.size() == 200);
    // Nothing but the CRL is left in the directory: the spill file had no name.
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(f.state_dir)) ++files;
    CHECK(files == 1);
}

TEST_CASE("a delta sorts many changes through temporary files, the same CRL as in memory",
          "[crl]") {
    test::CrlFixture f([](ca::CrlOptions& o) {
        o.delta.enabled = true;
        o.delta.url = "http://x/ca-delta.crl";
    });
    // 300 certificates, a third on hold in the base; then 1500 random changes after it. The
    // model keeps each certificate's state and whether a release followed the base.
    struct Model {
        bool revoked = false;
        Reason reason = Reason::unspecified;
        bool changed = false;
        bool released = false;
    };
    std::map<std::string, Model> model;
    auto hex = [](int i) {
        char s[8];
        std::snprintf(s, sizeof s, "%04X", 0x100 + i);
        return std::string(s);
    };
    for (int i = 0; i < 300; ++i) {
        if (i % 3 == 0) {
            f.revoke(hex(i), Reason::certificate_hold);
            model[hex(i)] = {true, Reason::certificate_hold};
        } else {
            f.issue(hex(i));
            model[hex(i)] = {};
        }
    }
    auto base = test::must(crl::generate_full_crl(f.served(), *f.index, 10, f.clock.now(), 0));
    std::mt19937 rng(20261208);
    const Reason finals[] = {Reason::key_compromise, Reason::superseded,
                             Reason::affiliation_changed};
    for (int n = 0; n < 1500; ++n) {
        const auto serial = hex(static_cast<int>(rng() % 300));
        Model& m = model[serial];
        f.clock.advance(1);
        if (m.revoked && m.reason == Reason::certificate_hold && rng() % 2 == 0) {
            f.release(serial);
            m = {false, Reason::unspecified, true, true};
        } else if (!m.revoked && rng() % 4 == 0) {
            // An issued certificate's record rewritten (an import's new subject): after a
            // release it must still carry removeFromCRL.
            CertRecord r;
            r.not_after = 1'900'000'000;
            r.subject = "CN=renamed " + std::to_string(n);
            f.commit(ChangeKind::update, serial, r);
            m.changed = true;
        } else if (!m.revoked || m.reason == Reason::certificate_hold) {
            const Reason reason = rng() % 3 == 0 ? Reason::certificate_hold : finals[rng() % 3];
            f.revoke(serial, reason);
            m.revoked = true;
            m.reason = reason;
            m.changed = true;
        }
    }
    Entries expected;
    for (const auto& [serial, m] : model) {
        if (!m.changed) continue;
        if (m.revoked) {
            expected[serial] = static_cast<int>(m.reason);
        } else if (m.released) {
            expected[serial] = static_cast<int>(Reason::remove_from_crl);
        }
    }
    const UnixSeconds now = f.clock.now();
    auto memory = test::must(crl::generate_delta_crl(f.served(), *f.index, 11, now, base.base));
    const std::string path = f.state_dir + "/ca-delta.crl";
    auto file = test::must(pki::AtomicFile::create(path, 0644));
    // A 64-byte run: a change or two per temporary file, so the runs are merged in stages.
    auto sorted =
        test::must(crl::generate_delta_crl(f.served(), *f.index, 11, now, base.base, {&file, 64}));
    test::must(file.commit());
    CHECK(memory.sort_runs == 0);
    CHECK(sorted.sort_runs > 0);
    auto read = test::read_crl_der(sorted.der, f.ca.cert());
    CHECK(read.verifies);
    CHECK(read.delta_base == std::optional<std::uint64_t>(10));
    CHECK(read.entries == expected);
    CHECK(test::read_crl_der(memory.der, f.ca.cert()).entries == expected);
    // Same entries, same order, same dates: the to-be-signed bytes are equal.
    CHECK(test::tbs_of(sorted.der) == test::tbs_of(memory.der));
    CHECK(sorted.entries == expected.size());
    // Only the CRL is left: the sort's temporary files are gone.
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(f.state_dir)) ++files;
    CHECK(files == 1);
}
