#include "admin/importer.hpp"

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
