#include "admin/crl_stages.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "tests/unit/admin/notify_test_support.hpp"

using namespace tanda;
using namespace tanda::admin;

namespace {

struct Recorded {
    test::NotifyIndex db;
    Logger logger{LogLevel::error};
    std::map<std::string, std::vector<double>> seen;
    CrlStageRecorder recorder{*db.index, logger, [this](std::string_view stage, double seconds) {
                                  seen[std::string(stage)].push_back(seconds);
                              }};

    std::optional<std::uint64_t> first_number(std::uint64_t seq) {
        auto crl = first_crl_covering(*db.index, db.issuer, seq);
        return crl ? std::optional<std::uint64_t>(crl->crl_number) : std::nullopt;
    }
    // The journal's crl_published entries, in order.
    std::vector<storage::JournalEntry> crl_entries() {
        std::vector<storage::JournalEntry> out;
        auto page = db.index->journal(1, 1000);
        REQUIRE(page);
        for (auto& e : *page) {
            if (e.change.kind == storage::ChangeKind::crl_published) out.push_back(e);
        }
        return out;
    }
    std::uint64_t head() { return db.index->journal_head()->seq; }
};

}  // namespace

TEST_CASE("a crl_published entry says its CRL and range in the journal, and reads back",
          "[crl_stages]") {
    test::NotifyIndex db;
    const CrlStageEntry crl{300, 1700000260, true, 7, 42};
    auto provenance = crl_stage_provenance(crl);
    CHECK(provenance.source ==
          "crl;number=300;this_update=1700000260;delta=1;after_seq=7;covered_seq=42");
    CHECK(provenance.request_id.empty());
    auto change = crl_stage_change(db.issuer, crl);
    CHECK(change.serial.to_hex() == "012C");  // the CRL number
    auto seq = db.index->append_audit(change, provenance, crl.this_update);
    REQUIRE(seq);
    auto entry = db.index->journal(*seq, 1)->front();
    auto read = parse_crl_stage(entry);
    REQUIRE(read);
    CHECK((read->crl_number == 300 && read->this_update == 1700000260 && read->delta &&
           read->after_seq == 7 && read->covered_seq == 42));

    // A source that is not ours, a missing field, an empty range, a serial that is not the
    // number, or another kind is not a CRL stage.
    for (const char* bad : {"admin", "crl;number=300;this_update=1;delta=0;after_seq=7",
                            "crl;number=300;this_update=1;delta=2;after_seq=7;covered_seq=42",
                            "crl;number=300;this_update=1;delta=0;after_seq=42;covered_seq=42",
                            "crl;number=x;this_update=1;delta=0;after_seq=7;covered_seq=42",
                            "crl;number=301;this_update=1;delta=0;after_seq=7;covered_seq=42"}) {
        auto e = entry;
        e.provenance.source = bad;
        CHECK_FALSE(parse_crl_stage(e));
    }
    auto other = entry;
    other.change.kind = storage::ChangeKind::refused;
    CHECK_FALSE(parse_crl_stage(other));
}

TEST_CASE("each request's first CRL is journaled once, with its number, time and range",
          "[crl_stages]") {
    Recorded r;
    const auto first = r.db.revoke("0a", "r-first");  // applied at 1700000200
    const auto second = r.db.revoke("0b", "r-second");
    REQUIRE(second > first);
    CHECK_FALSE(r.first_number(first));

    // CRL 5 covers the first request only; CRL 6 what came after it.
    r.recorder.record(r.db.issuer, {5, 1700000260}, 0, first);
    auto entries = r.crl_entries();
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].time == 1700000260);
    CHECK(entries[0].change.issuer == r.db.issuer);
    CHECK(entries[0].provenance.source ==
          "crl;number=5;this_update=1700000260;delta=0;after_seq=0;covered_seq=" +
              std::to_string(first));
    CHECK(r.first_number(first) == 5u);
    CHECK_FALSE(r.first_number(second));
    CHECK(r.seen["crl_published"] == std::vector<double>{60});

    r.recorder.record(r.db.issuer, {6, 1700000500}, first, second, true);
    REQUIRE(r.crl_entries().size() == 2);
    CHECK(r.first_number(first) == 5u);  // a later CRL does not replace the first
    auto s2 = first_crl_covering(*r.db.index, r.db.issuer, second);
    REQUIRE(s2);
    CHECK(s2->crl_number == 6);
    CHECK(s2->published_at == 1700000500);
    CHECK(r.seen["crl_published"] == std::vector<double>{60, 300});
    // Nothing covers what comes next, and another issuer's CRLs are its own.
    CHECK_FALSE(r.first_number(r.head() + 1));
    CHECK_FALSE(first_crl_covering(*r.db.index, r.db.issuer + 1, first));
    // The chain stays whole and the records are the fold of the journal.
    CHECK(*r.db.index->verify_journal() == std::nullopt);
    CHECK(*r.db.index->verify_records() == std::nullopt);
}

TEST_CASE("a CRL that covers no new request writes nothing", "[crl_stages]") {
    Recorded r;
    const auto seq = r.db.revoke("0c", "r-other");
    const auto before = r.head();
    r.recorder.record(r.db.issuer + 1, {5, 1700000260}, 0, seq);     // not its issuer
    r.recorder.record(r.db.issuer, {6, 1700000260}, seq, seq + 10);  // after it
    r.recorder.record(r.db.issuer, {7, 1700000260}, 0, seq - 1);     // its registration only
    CHECK(r.seen.empty());
    CHECK(r.head() == before);

    // A CRL over its own crl_published entry (the next refresh) covers no request either.
    r.recorder.record(r.db.issuer, {8, 1700000300}, seq - 1, seq);
    REQUIRE(r.crl_entries().size() == 1);
    r.recorder.record(r.db.issuer, {9, 1700000900}, seq, r.head());
    CHECK(r.crl_entries().size() == 1);
}

TEST_CASE("a publisher that took the lease over does not announce covered requests again",
          "[crl_stages]") {
    Recorded r;
    const auto first = r.db.revoke("0d", "r-1");
    r.recorder.record(r.db.issuer, {5, 1700000260}, 0, first);  // the old lease holder
    const auto second = r.db.revoke("0e", "r-2");
    // The new holder resumes from an older base (seq 0) and covers both.
    r.recorder.record(r.db.issuer, {7, 1700000400}, 0, r.head());
    auto entries = r.crl_entries();
    REQUIRE(entries.size() == 2);
    auto taken_over = parse_crl_stage(entries[1]);
    REQUIRE(taken_over);
    CHECK(taken_over->after_seq >= first);  // starts after what CRL 5 announced
    CHECK(r.first_number(first) == 5u);
    CHECK(r.first_number(second) == 7u);
    CHECK(r.seen["crl_published"] == std::vector<double>{60, 200});  // each request once
    // Again, covering nothing new: no entry.
    r.recorder.record(r.db.issuer, {8, 1700000500}, 0, r.head());
    CHECK(r.crl_entries().size() == 2);
}

TEST_CASE("a change published before CRLs were journaled is found in the old meta keys",
          "[crl_stages]") {
    Recorded r;
    const auto seq = r.db.revoke("0f", "r-old");
    REQUIRE(r.db.index->put_meta(crl_cover_key(r.db.issuer, seq), "4 1700000230"));
    auto crl = first_crl_covering(*r.db.index, r.db.issuer, seq);
    REQUIRE(crl);
    CHECK((crl->crl_number == 4 && crl->published_at == 1700000230));
}

TEST_CASE("a journaled range that starts at or after the change does not answer for it",
          "[crl_stages]") {
    Recorded r;
    const auto seq = r.db.revoke("10", "r-gap");
    // An earlier CRL covered it unjournaled; the first entry that reaches it starts after it.
    const CrlStageEntry later{9, 1700000600, false, seq, seq + 1};
    r.db.register_serial("11");
    REQUIRE(r.db.index->append_audit(crl_stage_change(r.db.issuer, later),
                                     crl_stage_provenance(later), 1700000600));
    CHECK_FALSE(r.first_number(seq));
    CHECK(r.first_number(seq + 1) == 9u);
}

TEST_CASE("the CRL stage meta keys of older versions sort by seq", "[crl_stages]") {
    auto crl = decode_crl_stage(encode_crl_stage({42, 1700000300}));
    REQUIRE(crl);
    CHECK(crl->crl_number == 42);
    CHECK(crl->published_at == 1700000300);
    CHECK(crl_cover_key(3, 1234) == "crl_cover/3/00000000000000001234");
    CHECK(crl_cover_key(3, UINT64_MAX) == "crl_cover/3/18446744073709551615");
    for (const char* bad : {"", "42", "42 ", " 1700000300", "42 17x", "x 1", "42  1"}) {
        CHECK_FALSE(decode_crl_stage(bad));
    }
}
