#include "admin/status_tokens.hpp"

#include <catch2/catch.hpp>
#include <set>

#include "core/sha256.hpp"
#include "tests/unit/admin/notify_test_support.hpp"

using namespace tanda;

TEST_CASE("status tokens are 256 random bits that find their request", "[admin][status_token]") {
    test::NotifyIndex db;
    admin::StatusTokens tokens(*db.index);
    std::set<std::string> seen;
    for (int i = 0; i < 16; ++i) {
        auto t = tokens.issue("req-" + std::to_string(i % 2));
        REQUIRE(t);
        CHECK(t->size() == 64);
        CHECK(t->find_first_not_of("0123456789abcdef") == std::string::npos);
        CHECK(seen.insert(*t).second);
        auto found = tokens.find(*t);
        REQUIRE(found);
        REQUIRE(*found);
        CHECK(**found == "req-" + std::to_string(i % 2));
    }
}

TEST_CASE("only the token's SHA-256 is stored", "[admin][status_token]") {
    test::NotifyIndex db;
    admin::StatusTokens tokens(*db.index);
    auto t = tokens.issue("req-x");
    REQUIRE(t);
    auto stored = db.index->get_meta("status/" + to_hex(Sha256::digest(as_bytes(*t))));
    REQUIRE(stored);
    CHECK(*stored == std::optional<std::string>("req-x"));
}

TEST_CASE("anything but an issued token finds nothing", "[admin][status_token]") {
    test::NotifyIndex db;
    admin::StatusTokens tokens(*db.index);
    auto t = tokens.issue("req-y");
    REQUIRE(t);
    std::string flipped = *t;
    flipped.back() = flipped.back() == '0' ? '1' : '0';
    std::string upper = *t;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const std::string hashed = to_hex(Sha256::digest(as_bytes(*t)));
    for (const std::string& wrong : {flipped, upper, t->substr(1), *t + "0", std::string(),
                                     std::string("req-y"), hashed, "status/" + hashed}) {
        auto found = tokens.find(wrong);
        REQUIRE(found);
        CHECK_FALSE(*found);
    }
}
