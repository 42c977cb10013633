#include "admin/operator_identity.hpp"

#include <catch2/catch.hpp>

using namespace tanda::admin;

TEST_CASE("an operator is the same by subject (as names) or by key", "[identity]") {
    const Caller submitter{"CN=Operator A,O=Example,C=ID", "aa", Role::operator_};
    const std::string recorded = identity_text(submitter);
    CHECK(recorded == "CN=Operator A,O=Example,C=ID;spki=aa");
    auto [who, same] = GENERATE(table<Caller, bool>({
        {Caller{"CN=Operator A,O=Example,C=ID", "aa", Role::operator_}, true},
        {Caller{"/C=ID/O=Example/CN=Operator A", "bb", Role::operator_}, true},   // renewed
        {Caller{"CN=Someone Else,O=Example,C=ID", "aa", Role::operator_}, true},  // same key
        {Caller{"CN=Operator B,O=Example,C=ID", "bb", Role::operator_}, false},
    }));
    CHECK(same_operator(who, recorded) == same);
}

TEST_CASE("an unreadable recorded identity never counts as another operator", "[identity]") {
    const Caller who{"CN=Operator B", "bb", Role::operator_};
    CHECK(same_operator(who, "garbage"));
}
