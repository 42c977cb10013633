#include "admin/person_name.hpp"

#include <catch2/catch.hpp>

using tanda::admin::normalise_name;
using tanda::admin::same_name;

TEST_CASE("names are trimmed and inner whitespace collapsed, and blank is no name", "[names]") {
    CHECK(normalise_name("  Siti   Rahma\t(supervisor) ") == "Siti Rahma (supervisor)");
    CHECK(normalise_name("Budi") == "Budi");
    CHECK_FALSE(normalise_name(""));
    CHECK_FALSE(normalise_name(" \t\r\n "));
}

TEST_CASE("same_name folds ASCII case and whitespace only", "[names]") {
    auto [a, b, same] = GENERATE(table<const char*, const char*, bool>({
        {"Operator A", "operator a", true},
        {"Operator A", " OPERATOR   A ", true},
        {"Operator A", "Operator B", false},
        {"Operator A", "OperatorA", false},
        {" ", "", true},  // both blank: the parser refuses them before any comparison
    }));
    CHECK(same_name(a, b) == same);
}
