#include "admin/index_txt.hpp"

#include <sstream>

#include <catch2/catch.hpp>

#include "core/time_format.hpp"

using namespace tanda;
using admin::parse_index_line;

TEST_CASE("a valid line", "[index_txt]") {
    auto e = parse_index_line("V\t270101000000Z\t\t1A2B\tunknown\t/C=ID/O=Demo/CN=Budi");
    REQUIRE(e);
    CHECK(e->serial.to_hex() == "1A2B");
    CHECK(e->record.state == CertState::issued);
    CHECK(e->record.not_after == *parse_rfc3339("2027-01-01T00:00:00Z"));
    CHECK(e->record.subject == "CN=Budi,O=Demo,C=ID");
}

TEST_CASE("revoked lines with each form of revocation field", "[index_txt]") {
    using R = Reason;
    auto [field, reason, invalidity] = GENERATE(table<std::string, Reason, std::string>({
        {"260101120000Z", R::unspecified, ""},
        {"260101120000Z,keyCompromise", R::key_compromise, ""},
        {"260101120000Z,CACompromise", R::ca_compromise, ""},
        {"260101120000Z,affiliationChanged", R::affiliation_changed, ""},
        {"260101120000Z,superseded", R::superseded, ""},
        {"260101120000Z,cessationOfOperation", R::cessation_of_operation, ""},
        {"260101120000Z,certificateHold", R::certificate_hold, ""},
        {"260101120000Z,holdInstruction,holdInstructionReject", R::certificate_hold, ""},
        {"260101120000Z,keyTime,20251231000000Z", R::key_compromise, "2025-12-31T00:00:00Z"},
        {"260101120000Z,CAkeyTime,251231000000Z", R::ca_compromise, "2025-12-31T00:00:00Z"},
        {"20260101120000Z,privilegeWithdrawn", R::privilege_withdrawn, ""},
    }));
    INFO(field);
    auto e = parse_index_line("R\t300101000000Z\t" + field + "\t01\tunknown\t/CN=x");
    REQUIRE(e);
    CHECK(e->record.state == CertState::revoked);
    CHECK(e->record.revoked_at == *parse_rfc3339("2026-01-01T12:00:00Z"));
    CHECK(e->record.reason == reason);
    if (invalidity.empty()) {
        CHECK_FALSE(e->record.invalidity_date);
    } else {
        CHECK(e->record.invalidity_date == parse_rfc3339(invalidity));
    }
}

TEST_CASE("bad lines say why", "[index_txt]") {
    auto [line, why] = GENERATE(table<std::string, std::string>({
        {"V\t270101000000Z\t\t01\tunknown", "expected 6 tab-separated fields, found 5"},
        {"X\t270101000000Z\t\t01\tunknown\t/CN=x", "unknown status 'X'"},
        {"V\t2701010000Z\t\t01\tunknown\t/CN=x", "bad expiry time"},
        {"V\t270101000000Z\t\tXYZ\tunknown\t/CN=x", "bad serial 'XYZ'"},
        {"V\t270101000000Z\t260101000000Z\t01\tunknown\t/CN=x", "status V with a revocation"},
        {"R\t270101000000Z\t\t01\tunknown\t/CN=x", "status R without a revocation time"},
        {"R\t270101000000Z\tyesterday\t01\tunknown\t/CN=x", "bad revocation time"},
        {"R\t270101000000Z\t260101000000Z,lostIt\t01\tunknown\t/CN=x", "unknown revocation reason"},
        {"R\t270101000000Z\t260101000000Z,keyTime\t01\tunknown\t/CN=x", "needs a time"},
    }));
    auto e = parse_index_line(line);
    REQUIRE_FALSE(e);
    CHECK_THAT(e.error(), Catch::Contains(why));
}

TEST_CASE("a file: blank lines skipped, problems with line numbers, duplicates", "[index_txt]") {
    std::istringstream in(
        "V\t270101000000Z\t\t01\tunknown\t/CN=a\n"
        "\n"
        "V\t270101000000Z\t\tZZ\tunknown\t/CN=b\n"
        "R\t270101000000Z\t260101000000Z\t02\tunknown\t/CN=c\r\n"
        "V\t270101000000Z\t\t0001\tunknown\t/CN=d\n");
    auto parsed = admin::parse_index_txt(in);
    CHECK(parsed.entries.size() == 3);
    REQUIRE(parsed.problem_count == 2);
    CHECK(parsed.problems[0].line == 3);
    CHECK(parsed.problems[1].line == 5);
    CHECK_THAT(parsed.problems[1].message, Catch::Contains("listed again (first on line 1)"));
}

TEST_CASE("OpenSSL DNs become RFC 4514 text", "[index_txt]") {
    CHECK(admin::openssl_dn_to_rfc4514("/C=ID/O=Kementerian/CN=Budi Santoso") ==
          "CN=Budi Santoso,O=Kementerian,C=ID");
    CHECK(admin::openssl_dn_to_rfc4514("/O=A, B/CN=x") == "CN=x,O=A\\, B");
    CHECK(admin::openssl_dn_to_rfc4514("CN=already,O=rfc") == "CN=already,O=rfc");
}
