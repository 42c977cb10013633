#include "pki/random_bytes.hpp"

#include <catch2/catch.hpp>
#include <set>

TEST_CASE("random_bytes gives the length asked, different each time", "[pki][random]") {
    std::set<tanda::Bytes> seen;
    for (int i = 0; i < 32; ++i) {
        auto b = tanda::pki::random_bytes(32);
        REQUIRE(b);
        CHECK(b->size() == 32);
        CHECK(seen.insert(*b).second);
    }
    auto none = tanda::pki::random_bytes(0);
    REQUIRE(none);
    CHECK(none->empty());
}
