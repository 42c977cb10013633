#include "core/revocation_reason.hpp"

#include <catch2/catch.hpp>

using tanda::Reason;

TEST_CASE("Reason names and codes follow RFC 5280", "[reason]") {
    auto [reason, name, code] = GENERATE(table<Reason, std::string, unsigned>({
        {Reason::unspecified, "unspecified", 0},
        {Reason::key_compromise, "keyCompromise", 1},
        {Reason::ca_compromise, "cACompromise", 2},
        {Reason::affiliation_changed, "affiliationChanged", 3},
        {Reason::superseded, "superseded", 4},
        {Reason::cessation_of_operation, "cessationOfOperation", 5},
        {Reason::certificate_hold, "certificateHold", 6},
        {Reason::remove_from_crl, "removeFromCRL", 8},
        {Reason::privilege_withdrawn, "privilegeWithdrawn", 9},
        {Reason::aa_compromise, "aACompromise", 10},
    }));
    CHECK(tanda::reason_name(reason) == name);
    CHECK(static_cast<unsigned>(reason) == code);
    CHECK(tanda::reason_from_name(name) == reason);
    CHECK(tanda::reason_from_code(code) == reason);
}

TEST_CASE("reason_from_name accepts case and snake_case variants", "[reason]") {
    CHECK(tanda::reason_from_name("KEYCOMPROMISE") == Reason::key_compromise);
    CHECK(tanda::reason_from_name("key_compromise") == Reason::key_compromise);
    CHECK(tanda::reason_from_name("ca_compromise") == Reason::ca_compromise);
    CHECK(tanda::reason_from_name("certificate-hold") == Reason::certificate_hold);
    CHECK(tanda::reason_from_name("remove_from_crl") == Reason::remove_from_crl);
}

TEST_CASE("reason_from_name and reason_from_code reject unknown values", "[reason]") {
    CHECK_FALSE(tanda::reason_from_name(""));
    CHECK_FALSE(tanda::reason_from_name("stolen"));
    auto code = GENERATE(7u, 11u, 255u, 1000u);
    CHECK_FALSE(tanda::reason_from_code(code));
}
