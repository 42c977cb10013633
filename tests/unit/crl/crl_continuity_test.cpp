#include "crl/crl_continuity.hpp"

#include <catch2/catch.hpp>

#include "crl/crl_publisher.hpp"
#include "tests/unit/crl/crl_fixture.hpp"

using namespace tanda;

TEST_CASE("OpenSSL's crlnumber file holds the next number in hex: the last is one less",
          "[crl]") {
    auto [text, last] = GENERATE(table<std::string, std::uint64_t>({
        {"03E9\n", 1000},  // `openssl ca` would number its next CRL 1001
        {"03e9", 1000},
        {"1000\r\n", 0xFFF},
        {"01\n", 0},  // the usual start: no CRL numbered yet
        {"00\n", 0},
        {"FFFFFFFFFFFFFFFF\n", 0xFFFFFFFFFFFFFFFEull},
    }));
    INFO(text);
    CHECK(crl::last_number_from_crlnumber(text).value() == last);
}

TEST_CASE("a crlnumber file that is not one hex number is refused", "[crl]") {
    auto text = GENERATE(as<std::string>{}, "", "\n", "0x10\n", "12 34\n", "-1\n", "G1\n",
                         "10000000000000000\n");
    INFO(text);
    auto r = crl::last_number_from_crlnumber(text);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::invalid_argument);
}

TEST_CASE("after a migrated CA's last number, Tanda's CRLs continue above it", "[crl]") {
    test::CrlFixture f;
    REQUIRE(crl::continue_crl_numbers_above(*f.index, f.served().issuer_id, 1000).value() == 1000);
    crl::CrlPublisher p(f.served(), *f.index, f.state_dir, f.clock, f.logger);
    REQUIRE(p.start());
    CHECK(p.full()->number == 1001);
    CHECK(test::read_crl_der(p.full()->der, f.ca.cert()).number == 1001);
    // A floor below what Tanda already issued changes nothing.
    CHECK(crl::continue_crl_numbers_above(*f.index, f.served().issuer_id, 10).value() == 1001);
    REQUIRE(p.publish_full());
    CHECK(p.full()->number == 1002);
}

TEST_CASE("a number not above every number known is refused, not published", "[crl]") {
    test::CrlFixture f;
    crl::CrlPublisher p(f.served(), *f.index, f.state_dir, f.clock, f.logger);
    REQUIRE(p.start());
    REQUIRE(p.publish_full());
    REQUIRE(p.full()->number == 2);
    // Storage restored from a backup older than the CRL in service: the counter went back.
    test::must(f.index->put_meta(crl::crl_number_key(f.served().issuer_id), "0"));
    auto r = p.publish_full();
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains("is not above 2"));
    CHECK(p.full()->number == 2);  // still serving the last good CRL
    CHECK(p.refused_numbers() == 1);
}
