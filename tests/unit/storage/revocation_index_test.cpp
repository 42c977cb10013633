#include "storage/revocation_index.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdio>
#include <stop_token>
#include <thread>
#include <vector>

#include "storage_test_support.hpp"

using namespace tanda;
using namespace tanda::storage;
using namespace tanda::storage::test;
using tanda::test::TempDir;

TEST_CASE("Records round trip and persist across reopen", "[index]") {
    TempDir dir;
    CertRecord rec = revoked(Reason::superseded, 1700000123);
    rec.invalidity_date = 1699999999;
    IssuerId issuer = 0;
    {
        auto index = open_index(dir.path());
        issuer = *index->ensure_issuer(as_bytes("ca-1"), "CA One");
        std::vector<Change> changes{change(ChangeKind::revoke, issuer, "1234", rec)};
        auto result = index->commit(changes, admin_provenance("r1"), 1700000200);
        REQUIRE(result);
        CHECK(result->applied == 1);
        CHECK(result->last_seq == 1);
    }
    auto index = open_index(dir.path());
    auto found = index->find(issuer, serial("001234"));
    REQUIRE(found);
    REQUIRE(*found);
    CHECK((*found)->same_content(rec));
    CHECK((*found)->last_seq == 1);
    CHECK(index->find(issuer, serial("1235")).value() == std::nullopt);
    CHECK(index->find(issuer + 1, serial("1234")).value() == std::nullopt);
}

// Lookups reuse reset read transactions (lmdb::ReadTxnPool): a renewed one must read the newest
// commit, never the snapshot it had before.
TEST_CASE("Lookups see every commit, one after another and from many threads", "[index]") {
    TempDir dir;
    auto index = open_index(dir.path());
    const IssuerId issuer = *index->ensure_issuer(as_bytes("ca-1"), "CA One");
    auto hex = [](int i) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "%04x", 0x1000 + i);
        return std::string(buf);
    };
    auto revoke = [&](int i) {
        std::vector<Change> changes{change(ChangeKind::revoke, issuer, hex(i),
                                           revoked(Reason::key_compromise, 1700000000 + i))};
        return index->commit(changes, admin_provenance("r" + hex(i)), 1700000100 + i).has_value();
    };
    for (int i = 0; i < 40; ++i) {
        CHECK(index->find(issuer, serial(hex(i))).value() == std::nullopt);
        REQUIRE(revoke(i));
        auto found = index->find(issuer, serial(hex(i))).value();
        REQUIRE(found);
        CHECK(found->revoked_at == 1700000000 + i);
    }

    // Readers while a writer commits: what was committed before a reader started stays found,
    // and a serial once seen revoked is never seen missing again.
    std::atomic<int> committed{40};
    std::atomic<int> wrong{0};
    std::vector<std::thread> readers;
    for (int t = 0; t < 4; ++t) {
        readers.emplace_back([&, t] {
            int seen_up_to = 0;
            // Until the writer is done, so that the lookups overlap its commits.
            for (int n = 0; n < 3000 || committed.load() < 80; ++n) {
                const int upper = committed.load();
                const int i = (n * 7 + t) % upper;
                auto found = index->find(issuer, serial(hex(i)));
                if (!found || !*found) ++wrong;
                auto next = index->find(issuer, serial(hex(seen_up_to)));
                if (next && *next)
                    ++seen_up_to;
                else if (seen_up_to < upper)
                    ++wrong;
            }
        });
    }
    int failed_commits = 0;
    for (int i = 40; i < 80; ++i) {
        if (!revoke(i)) ++failed_commits;  // no REQUIRE while the readers run
        committed.store(i + 1);
    }
    for (auto& r : readers) r.join();
    CHECK(failed_commits == 0);
    CHECK(wrong.load() == 0);
    CHECK(index->find(issuer, serial(hex(79))).value().has_value());
}

TEST_CASE("Issuer ids are assigned once and stable across reopen", "[index]") {
    TempDir dir;
    IssuerId a = 0, b = 0;
    {
        auto index = open_index(dir.path());
        a = *index->ensure_issuer(as_bytes("ca-a"), "A");
        b = *index->ensure_issuer(as_bytes("ca-b"), "B");
        CHECK(a != b);
        CHECK(index->ensure_issuer(as_bytes("ca-a"), "renamed") == a);
    }
    auto index = open_index(dir.path());
    CHECK(index->find_issuer(as_bytes("ca-a")).value() == a);
    CHECK(index->find_issuer(as_bytes("ca-b")).value() == b);
    CHECK(index->find_issuer(as_bytes("ca-c")).value() == std::nullopt);
    CHECK(index->ensure_issuer(as_bytes("ca-b"), "B") == b);
    auto all = index->issuers();
    REQUIRE(all);
    REQUIRE(all->size() == 2);
    CHECK((*all)[0].id == a);
    CHECK((*all)[0].identity == to_bytes("ca-a"));
    CHECK((*all)[0].name == "A");
    CHECK((*all)[1].id == b);
    CHECK(index->ensure_issuer(as_bytes("ca-c"), "C") == std::max(a, b) + 1);
}

TEST_CASE("Bad input is invalid_argument and writes nothing", "[index]") {
    TempDir dir;
    auto index = open_index(dir.path());
    IssuerId issuer = *index->ensure_issuer(as_bytes("ca"), "CA");
    CHECK(index->ensure_issuer({}, "empty").error().code == ErrorCode::invalid_argument);
    CHECK(
        index->ensure_issuer(as_bytes(std::string(kMaxIdentityBytes + 1, 'x')), "").error().code ==
        ErrorCode::invalid_argument);

    auto bad = [&](Change c, Provenance p = import_provenance()) {
        std::vector<Change> changes{
            change(ChangeKind::register_certificate, issuer, "01", issued()), std::move(c)};
        auto r = index->commit(changes, p, 1);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == ErrorCode::invalid_argument);
    };
    bad(change(ChangeKind::register_certificate, issuer, "02",
               issued(std::string(kMaxSubjectBytes + 1, 'x'))));
    bad(Change{ChangeKind::register_certificate, issuer, Serial{}, issued()});
    bad(change(ChangeKind::register_certificate, issuer + 1, "02", issued()));  // unknown issuer
    bad(change(ChangeKind::revoke, issuer, "02", issued()));
    bad(change(ChangeKind::release, issuer, "02", revoked()));
    bad(change(static_cast<ChangeKind>(11), issuer, "02", issued()));
    CertRecord bad_reason = revoked();
    bad_reason.reason = static_cast<Reason>(7);
    bad(change(ChangeKind::revoke, issuer, "02", bad_reason));
    Provenance bad_evidence = admin_provenance("r");
    bad_evidence.evidence_sha256 = "abc";
    bad(change(ChangeKind::register_certificate, issuer, "02", issued()), bad_evidence);
    bad(change(ChangeKind::register_certificate, issuer, "02", issued()),
        admin_provenance(std::string(kMaxRequestIdBytes + 1, 'r')));

    CHECK(index->find(issuer, serial("01")).value() == std::nullopt);
    CHECK(index->stats()->journal_entries == 0);
    CHECK(index->find_request("r").value() == std::nullopt);
}

TEST_CASE("for_each_record visits one issuer in key order and stops early", "[index]") {
    TempDir dir;
    auto index = open_index(dir.path());
    IssuerId a = *index->ensure_issuer(as_bytes("a"), "A");
    IssuerId b = *index->ensure_issuer(as_bytes("b"), "B");
    std::vector<Change> changes;
    for (auto hex : {"0300", "01", "02", "FF", "0100"}) {
        changes.push_back(change(ChangeKind::register_certificate, a, hex, issued(hex)));
    }
    changes.push_back(change(ChangeKind::register_certificate, b, "00", issued()));
    REQUIRE(index->commit(changes, import_provenance(), 1));

    std::vector<std::string> seen;
    auto all = index->for_each_record(a, [&](const Serial& s, const CertRecord& r) {
        seen.push_back(s.to_hex());
        CHECK(r.subject.size() >= 2);
        return true;
    });
    REQUIRE(all);
    CHECK(*all == true);
    // Bytewise on the magnitude: 01 < 0100 < 02 < 0300 < FF.
    CHECK(seen == std::vector<std::string>{"01", "0100", "02", "0300", "FF"});

    seen.clear();
    auto stopped = index->for_each_record(a, [&](const Serial& s, const CertRecord&) {
        seen.push_back(s.to_hex());
        return seen.size() < 2;
    });
    REQUIRE(stopped);
    CHECK(*stopped == false);
    CHECK(seen.size() == 2);

    int count = 0;
    REQUIRE(index->for_each_record(b + 5, [&](const Serial&, const CertRecord&) {
        ++count;
        return true;
    }));
    CHECK(count == 0);
}

TEST_CASE("warm walks every record of every issuer and stops when asked", "[index]") {
    TempDir dir;
    auto index = open_index(dir.path());
    IssuerId a = *index->ensure_issuer(as_bytes("a"), "A");
    IssuerId b = *index->ensure_issuer(as_bytes("b"), "B");
    std::vector<Change> changes;
    char hex[16];
    for (unsigned i = 1; i <= 70000; ++i) {
        std::snprintf(hex, sizeof hex, "%06X", i);
        changes.push_back(change(ChangeKind::register_certificate, i % 2 ? a : b, hex, issued()));
    }
    REQUIRE(index->commit(changes, import_provenance(), 1));
    // Over 8 MiB, so the warm-up also remaps the file (huge_page_mapping.hpp: unmapped, maybe
    // dropped from the cache and read back); what it reads after that must be the same.
    REQUIRE(index->stats().value().used_bytes > (std::size_t{8} << 20));
    CHECK(index->warm({}).value().records == 70000);
    for (unsigned i = 1; i <= 70000; i += 997) {
        std::snprintf(hex, sizeof hex, "%06X", i);
        auto found = index->find(i % 2 ? a : b, serial(hex)).value();
        REQUIRE(found);
        CHECK(found->same_content(issued()));
        CHECK_FALSE(index->find(i % 2 ? b : a, serial(hex)).value());
    }
    std::stop_source stop;
    stop.request_stop();  // checked every 65536 records: a stop ends the walk there
    CHECK(index->warm(stop.get_token()).value().records == 65536);
}

TEST_CASE("Metadata is stored, persists and reserves the tanda. prefix", "[index]") {
    TempDir dir;
    {
        auto index = open_index(dir.path());
        CHECK(index->get_meta("crl.1.number").value() == std::nullopt);
        REQUIRE(index->put_meta("crl.1.number", "41"));
        REQUIRE(index->put_meta("crl.1.number", "42"));
        REQUIRE(index->put_meta("empty", ""));
    }
    auto index = open_index(dir.path());
    CHECK(index->get_meta("crl.1.number").value() == "42");
    CHECK(index->get_meta("empty").value() == "");
    CHECK(index->put_meta("tanda.schema_version", "9").error().code == ErrorCode::invalid_argument);
    CHECK(index->get_meta("tanda.schema_version").error().code == ErrorCode::invalid_argument);
    CHECK(index->put_meta("", "x").error().code == ErrorCode::invalid_argument);
    CHECK(index->put_meta("k", std::string(kMaxMetaValueBytes + 1, 'v')).error().code ==
          ErrorCode::invalid_argument);
}

TEST_CASE("stats counts records and journal entries", "[index]") {
    TempDir dir;
    auto index = open_index(dir.path(), std::size_t{1} << 22);
    IssuerId issuer = *index->ensure_issuer(as_bytes("ca"), "CA");
    std::vector<Change> changes{change(ChangeKind::register_certificate, issuer, "01", issued()),
                                change(ChangeKind::register_certificate, issuer, "02", issued())};
    REQUIRE(index->commit(changes, import_provenance(), 1));
    std::vector<Change> revoke{change(ChangeKind::revoke, issuer, "01", revoked())};
    REQUIRE(index->commit(revoke, import_provenance(), 2));
    auto s = index->stats();
    REQUIRE(s);
    CHECK(s->records == 2);
    CHECK(s->journal_entries == 3);
    CHECK(s->map_size == std::size_t{1} << 22);
    CHECK(s->used_bytes > 0);
    CHECK(s->used_bytes <= s->map_size);
}

// Whoever read the record before: a write that would undo or rewrite a final revocation is
// refused when it applies (in a cluster, the later of two nodes' writes to one record).
TEST_CASE("A final revocation is never released nor rewritten", "[index]") {
    TempDir dir;
    auto index = open_index(dir.path());
    const IssuerId issuer = *index->ensure_issuer(as_bytes("ca-1"), "CA One");
    auto commit = [&](ChangeKind kind, const CertRecord& rec, const std::string& id) {
        std::vector<Change> changes{change(kind, issuer, "77", rec)};
        return index->commit(changes, admin_provenance(id), 1700000500);
    };
    REQUIRE(commit(ChangeKind::register_certificate, issued(), "r0"));
    // A hold is released and becomes final: both allowed.
    REQUIRE(commit(ChangeKind::revoke, revoked(Reason::certificate_hold), "r1"));
    REQUIRE(commit(ChangeKind::release, issued(), "r2"));
    REQUIRE(commit(ChangeKind::revoke, revoked(Reason::certificate_hold, 1700000100), "r3"));
    REQUIRE(commit(ChangeKind::revoke, revoked(Reason::key_compromise, 1700000100), "r4"));
    const auto head = index->journal_head().value();

    auto released = commit(ChangeKind::release, issued(), "r5");
    REQUIRE_FALSE(released);
    CHECK(released.error().code == ErrorCode::conflict);
    CHECK_THAT(released.error().message, Catch::Contains("cannot be released"));
    auto rewritten = commit(ChangeKind::revoke, revoked(Reason::superseded, 1700000100), "r6");
    REQUIRE_FALSE(rewritten);
    CHECK(rewritten.error().code == ErrorCode::conflict);
    auto updated = commit(ChangeKind::update, issued(), "r7");
    REQUIRE_FALSE(updated);
    CHECK(index->journal_head().value().seq == head.seq);
    auto now = index->find(issuer, serial("77")).value();
    REQUIRE(now);
    CHECK(now->reason == Reason::key_compromise);

    // The revocation kept, the rest filled in (an import adding a missing expiry): allowed.
    CertRecord filled = revoked(Reason::key_compromise, 1700000100);
    filled.not_after = 1800000000;
    auto kept = commit(ChangeKind::revoke, filled, "r8");
    REQUIRE(kept);
    CHECK(kept->applied == 1);
}
