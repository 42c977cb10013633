#include "pki/hmac_sha256.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "core/bytes.hpp"

namespace {

std::string hex(const tanda::Sha256Digest& d) { return tanda::to_hex(d); }

tanda::ByteView view(const std::string& s) {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

}  // namespace

// RFC 4231 section 4 test cases 2 and 3, and an empty key (Python's hmac agrees).
TEST_CASE("HMAC-SHA256 matches RFC 4231 vectors", "[pki][hmac]") {
    auto tc2 = tanda::pki::hmac_sha256(view("Jefe"), view("what do ya want for nothing?"));
    REQUIRE(tc2);
    CHECK(hex(*tc2) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    const std::string key3(20, '\xaa'), data3(50, '\xdd');
    auto tc3 = tanda::pki::hmac_sha256(view(key3), view(data3));
    REQUIRE(tc3);
    CHECK(hex(*tc3) == "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    auto empty = tanda::pki::hmac_sha256({}, {});
    REQUIRE(empty);
    CHECK(hex(*empty) == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}
