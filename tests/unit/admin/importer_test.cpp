#include "admin/importer.hpp"

#include <algorithm>
#include <sstream>

#include <catch2/catch.hpp>

#include "tests/support/temp_dir.hpp"
#include "tests/support/test_ca.hpp"

using namespace tanda;

namespace {

CertRecord issued(UnixSeconds not_after = 2'000'000'000) {
    CertRecord r;
    r.not_after = not_after;
    r.subject = "CN=x";
    return r;
}
CertRecord revoked(Reason reason, UnixSeconds at = 1'700'000'000) {
    CertRecord r = issued();
    r.state = CertState::revoked;
    r.reason = reason;
    r.revoked_at = at;
    return r;
}

struct Fixture {
    test::TempDir dir;
    std::unique_ptr<storage::RevocationIndex> index =
        test::must(storage::RevocationIndex::open({(dir / "db").string(), 1 << 26, 126}));
    storage::IssuerId issuer = test::must(index->ensure_issuer(to_bytes("issuer"), "t"));

    admin::ImportStats import(const std::string& text) {
        std::istringstream in(text);
        auto parsed = admin::parse_index_txt(in);
        REQUIRE(parsed.problem_count == 0);
        return test::must(admin::import_entries(*index, issuer, parsed.entries, {}, 1'800'000'000,
                                                nullptr, 2));
    }
    CertRecord at(const char* hex) {
        auto r = test::must(index->find(issuer, *Serial::from_hex(hex)));
        REQUIRE(r);
        return *r;
    }
};

const std::string kIndex =
    "V\t270101000000Z\t\t01\tunknown\t/CN=a\n"
    "R\t270101000000Z\t260101000000Z,keyCompromise\t02\tunknown\t/CN=b\n"
    "E\t200101000000Z\t\t03\tunknown\t/CN=c\n"
    "R\t270101000000Z\t260101000000Z,certificateHold\t04\tunknown\t/CN=d\n"
    "V\t270101000000Z\t\t05\tunknown\t/CN=e\n";

}  // namespace

TEST_CASE("merge never undoes a revocation, a hold may become final", "[importer]") {
    using admin::merge_import;
    auto registered = merge_import(std::nullopt, issued());
    REQUIRE(registered);
    CHECK(registered->same_content(issued()));
    auto fresh = merge_import(std::nullopt, revoked(Reason::superseded));
    REQUIRE(fresh);
    CHECK(fresh->reason == Reason::superseded);
    CHECK_FALSE(merge_import(issued(), issued()));
    auto now_revoked = merge_import(issued(), revoked(Reason::key_compromise));
    REQUIRE(now_revoked);
    CHECK(now_revoked->state == CertState::revoked);
    CHECK_FALSE(merge_import(revoked(Reason::key_compromise), issued()));
    CHECK_FALSE(merge_import(revoked(Reason::key_compromise), revoked(Reason::superseded, 5)));
    auto final_after_hold =
        merge_import(revoked(Reason::certificate_hold), revoked(Reason::key_compromise, 9));
    REQUIRE(final_after_hold);
    CHECK(final_after_hold->reason == Reason::key_compromise);
    CHECK(final_after_hold->revoked_at == 9);
    CertRecord bare = revoked(Reason::key_compromise);
    bare.not_after = 0;
    bare.subject.clear();
    auto filled = merge_import(bare, issued(123));
    REQUIRE(filled);
    CHECK(filled->state == CertState::revoked);
    CHECK(filled->not_after == 123);
    CHECK(filled->subject == "CN=x");
}

TEST_CASE("an index imports into records and journal, and re-imports change nothing",
          "[importer]") {
    Fixture f;
    auto first = f.import(kIndex);
    CHECK(first.entries == 5);
    CHECK(first.written == 5);
    CHECK(first.last_seq == 5);
    CHECK(f.at("01").state == CertState::issued);
    CHECK(f.at("02").reason == Reason::key_compromise);
    CHECK(f.at("03").not_after == 1'577'836'800);
    CHECK(f.at("04").on_hold());

    auto second = f.import(kIndex);
    CHECK(second.written == 0);
    CHECK(second.unchanged == 5);
    CHECK(test::must(f.index->journal(1, 100)).size() == 5);
}

TEST_CASE("a later import revokes, finalises a hold, and keeps Tanda's revocations",
          "[importer]") {
    Fixture f;
    f.import(kIndex);
    auto later = f.import(
        "R\t270101000000Z\t260202000000Z,superseded\t01\tunknown\t/CN=a\n"  // now revoked
        "V\t270101000000Z\t\t02\tunknown\t/CN=b\n"                          // stays revoked
        "R\t270101000000Z\t260303000000Z,cessationOfOperation\t04\tunknown\t/CN=d\n");
    CHECK(later.written == 2);
    CHECK(later.kept_revoked == 1);
    CHECK(f.at("01").reason == Reason::superseded);
    CHECK(f.at("02").reason == Reason::key_compromise);
    CHECK(f.at("04").reason == Reason::cessation_of_operation);
}

TEST_CASE("a serial from both the index and a certificate file is one record", "[importer]") {
    Fixture f;
    std::istringstream in("R\t270101000000Z\t260101000000Z,keyCompromise\t0A\tunknown\t/CN=b\n");
    auto entries = admin::parse_index_txt(in).entries;
    admin::IndexEntry from_file;
    from_file.serial = *Serial::from_hex("0a");
    from_file.record = issued();
    entries.push_back(from_file);  // after the revocation: must not un-revoke
    auto stats = test::must(admin::import_entries(*f.index, f.issuer, entries, {}, 1, nullptr));
    CHECK(stats.written == 1);
    CHECK(f.at("0A").state == CertState::revoked);
}

TEST_CASE("certificate files: the CA's are registered, others reported", "[importer]") {
    test::TempDir dir;
    test::TestCa ca;
    test::TestCa other(pki::KeyType::ec_p256, "CN=Other CA");
    auto leaf = ca.issue("CN=leaf one");
    auto leaf2 = ca.issue("CN=leaf two");
    auto foreign = other.issue("CN=foreign");
    test::must(pki::write_file_atomic((dir / "a.pem").string(), leaf.cert.pem() + leaf2.cert.pem(), 0644));
    test::must(pki::write_file_atomic((dir / "b.pem").string(), foreign.cert.pem(), 0644));
    test::must(pki::write_file_atomic((dir / "c.txt").string(), "not a certificate", 0644));
    auto files = admin::read_certificate_dir(dir.path().string(), ca.cert());
    REQUIRE(files.entries.size() == 2);
    CHECK(files.entries[0].serial == leaf.cert.serial());
    CHECK(files.entries[0].record.subject == leaf.cert.subject());
    CHECK(files.entries[0].record.not_after == leaf.cert.not_after());
    REQUIRE(files.problems.size() == 2);
    CHECK_THAT(files.problems[0], Catch::Contains("b.pem") && Catch::Contains("was not issued by"));
    CHECK_THAT(files.problems[1], Catch::Contains("c.txt"));
}

namespace {

// An index of `n` lines, serials 1..n in reverse order (so the sorter has work), every tenth
// revoked; `flip` turns those back to V (what must not undo a recorded revocation).
std::string big_index(int n, bool flip = false) {
    std::string text;
    for (int i = n; i >= 1; --i) {
        char serial[32];
        std::snprintf(serial, sizeof serial, "%04X", i);
        const bool revoked = i % 10 == 0 && !flip;
        text += std::string(revoked ? "R" : "V") + "\t270101000000Z\t" +
                (revoked ? "260101000000Z,keyCompromise" : "") + "\t" + serial +
                "\tunknown\t/CN=c" + std::to_string(i) + "\n";
    }
    return text;
}

admin::ImportStats streamed(Fixture& f, const std::string& text, const test::TempDir& tmp,
                            std::size_t* progress_calls = nullptr) {
    std::istringstream in(text);
    admin::EntrySorter sorter(tmp.path(), 2048);  // many runs
    auto parsed = test::must(admin::scan_index_txt(in, [&](const admin::IndexEntry& e) {
        return sorter.add(e);
    }));
    REQUIRE(parsed.problem_count == 0);
    REQUIRE(sorter.spilled_runs() > 10);
    return test::must(admin::import_sorted(
        *f.index, f.issuer, sorter, {}, 1'800'000'000,
        [&](std::size_t, std::size_t) { if (progress_calls) ++*progress_calls; }, 100));
}

}  // namespace

TEST_CASE("a streamed import through spilled runs: batches, re-import, revocations kept",
          "[importer]") {
    Fixture f;
    test::TempDir tmp;
    std::size_t calls = 0;
    auto first = streamed(f, big_index(2000), tmp, &calls);
    CHECK(first.entries == 2000);
    CHECK(first.written == 2000);
    CHECK(calls == 21);  // one per 100-change commit, and the end
    auto journal = test::must(f.index->journal(1, 5000));
    REQUIRE(journal.size() == 2000);
    // Serial order (of the magnitude's bytes): the journal follows the sorted entries, not the
    // file's order, which starts at 07D0.
    CHECK(std::is_sorted(journal.begin(), journal.end(), [](const auto& a, const auto& b) {
        return a.change.serial < b.change.serial;
    }));
    CHECK(journal.front().change.serial == *Serial::from_hex("01"));
    CHECK(f.at("07D0").reason == Reason::key_compromise);
    CHECK(f.at("07CF").subject == "CN=c1999");

    auto again = streamed(f, big_index(2000), tmp);
    CHECK(again.written == 0);
    CHECK(again.unchanged == 2000);

    auto flipped = streamed(f, big_index(2000, true), tmp);
    CHECK(flipped.written == 0);
    CHECK(flipped.kept_revoked == 200);
    CHECK(f.at("07D0").state == CertState::revoked);
    CHECK(test::must(f.index->journal(1, 5000)).size() == 2000);
    CHECK(std::filesystem::is_empty(tmp.path()));
}

TEST_CASE("a duplicate serial deep in a streamed index is found once sorted", "[importer]") {
    std::string text = big_index(3000);
    text += "V\t270101000000Z\t\t0005\tunknown\t/CN=again\n";  // line 3001 repeats line 2996
    std::istringstream in(text);
    test::TempDir tmp;
    admin::EntrySorter sorter(tmp.path(), 2048);
    auto parsed = test::must(admin::scan_index_txt(in, [&](const admin::IndexEntry& e) {
        return sorter.add(e);
    }));
    CHECK(parsed.problem_count == 0);
    admin::DuplicateSerials duplicates;
    REQUIRE(sorter.visit([&](const admin::IndexEntry& e) -> Result<void> {
        duplicates.feed(e, parsed);
        return {};
    }));
    REQUIRE(parsed.problem_count == 1);
    CHECK(parsed.problems[0].line == 3001);
    CHECK_THAT(parsed.problems[0].message, Catch::Contains("first on line 2996"));
}
