#include "admin/distinguished_name.hpp"

#include <catch2/catch.hpp>

using tanda::admin::parse_dn;
using tanda::admin::same_dn;
using tanda::admin::same_dn_either_order;

TEST_CASE("the same name in RFC 4514 and OpenSSL forms compares equal", "[dn]") {
    const char* rfc = "CN=Budi Santoso,O=Tanda Demo,C=ID";
    auto other = GENERATE("/C=ID/O=Tanda Demo/CN=Budi Santoso",
                          "C = ID, O = Tanda Demo, CN = Budi Santoso",
                          "cn=budi  santoso, o=TANDA DEMO, c=id",
                          "commonName=Budi Santoso;organizationName=Tanda Demo;countryName=ID",
                          "2.5.4.3=Budi Santoso,2.5.4.10=Tanda Demo,2.5.4.6=ID",
                          // openssl's own output lines, pasted whole
                          "subject=C = ID, O = Tanda Demo, CN = Budi Santoso",
                          "  Subject: C = ID, O = Tanda Demo, CN = Budi Santoso",
                          "subject=/C=ID/O=Tanda Demo/CN=Budi Santoso");
    INFO(other);
    CHECK(same_dn(rfc, other));
    CHECK(same_dn_either_order(rfc, other));
}

TEST_CASE("most general first without openssl's spacing matches only in either order",
          "[dn]") {
    // What operators paste from letters and other tools; a record check accepts it, while
    // authentication (same_dn) keeps RDN order: reversed, it is another name.
    const char* rfc = "CN=Budi Santoso,O=Tanda Demo,C=ID";
    auto other = GENERATE("C=ID, O=Tanda Demo, CN=Budi Santoso",
                          "C=ID,O=Tanda Demo,CN=Budi Santoso",
                          "c=id; o=tanda demo; cn=budi santoso");
    INFO(other);
    CHECK(same_dn_either_order(rfc, other));
    CHECK(same_dn_either_order(other, rfc));
    CHECK_FALSE(same_dn(rfc, other));
}

TEST_CASE("different names, orders and values do not match", "[dn]") {
    const char* rfc = "CN=Budi Santoso,O=Tanda Demo,C=ID";
    auto other = GENERATE("CN=Budi Santosa,O=Tanda Demo,C=ID", "O=Tanda Demo,CN=Budi Santoso,C=ID",
                          "CN=Budi Santoso,C=ID,O=Tanda Demo",
                          "C=ID, O=Tanda Demo, CN=Budi Santosa",
                          "CN=Budi Santoso,O=Tanda Demo", "subject=CN=Budi Santoso,O=Tanda Demo",
                          "label=CN=Budi Santoso,O=Tanda Demo,C=ID",
                          "CN=Budi Santoso,OU=Tanda Demo,C=ID", "", "not a dn");
    INFO(other);
    CHECK_FALSE(same_dn(rfc, other));
    CHECK_FALSE(same_dn_either_order(rfc, other));
}

TEST_CASE("escapes, multi-valued RDNs and hex values are parsed", "[dn]") {
    CHECK(same_dn("CN=Doe\\, John,O=A\\+B,C=ID", "/C=ID/O=A+B/CN=Doe, John") == false);
    CHECK(same_dn("CN=Doe\\, John,O=Org,C=ID", "CN=Doe\\2C John,O=Org,C=ID"));
    CHECK(same_dn("CN=A+UID=x,O=Org", "UID=x+CN=A,O=Org"));
    CHECK(same_dn("CN=#0c0141,C=ID", "CN=#0C0141,C=ID"));
    auto dn = parse_dn("emailAddress=a@b.id,CN=A");
    REQUIRE(dn);
    CHECK(dn->rdns.front().front().type == "EMAILADDRESS");
    CHECK_FALSE(parse_dn("CN=trailing\\"));
    CHECK_FALSE(parse_dn("CN=\"unterminated"));
}

TEST_CASE("email and description attributes in the spellings tools print", "[dn]") {
    const char* rfc = "CN=Budi Santoso,description=Operator 7,emailAddress=budi@tanda.id,C=ID";
    auto other = GENERATE(
        "C=ID, EMAILADDRESS=budi@tanda.id, OID.2.5.4.13=Operator 7, CN=Budi Santoso",
        "C = ID, emailAddress = budi@tanda.id, description = Operator 7, CN = Budi Santoso",
        "CN=Budi Santoso,2.5.4.13=Operator 7,1.2.840.113549.1.9.1=budi@tanda.id,C=ID",
        "CN=Budi Santoso,oid.2.5.4.13=operator 7,E=BUDI@tanda.id,C=ID",
        "/C=ID/emailAddress=budi@tanda.id/description=Operator 7/CN=Budi Santoso");
    INFO(other);
    CHECK(same_dn_either_order(rfc, other));
    CHECK_FALSE(
        same_dn_either_order(rfc, "CN=Budi Santoso,2.5.4.13=Operator 8,E=budi@tanda.id,C=ID"));
    auto dn = parse_dn("OID.2.5.4.13=x");
    REQUIRE(dn);
    CHECK(dn->rdns.front().front().type == "DESCRIPTION");
}
