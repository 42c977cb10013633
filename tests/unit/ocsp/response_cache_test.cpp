#include "ocsp/response_cache.hpp"

#include <catch2/catch.hpp>

using namespace tanda;
using ocsp::CacheKey;
using ocsp::ResponseCache;

namespace {

constexpr UnixSeconds kNow = 1'790'000'000;

std::shared_ptr<const ocsp::ServedAnswer> answer(std::string cert_id, UnixSeconds next) {
    ocsp::ResponseContent a;
    a.der = std::make_shared<const Bytes>(to_bytes("der of " + cert_id));
    a.outcome = ocsp::Outcome::good;
    a.produced_at = kNow;
    a.this_update = kNow - 300;
    a.next_update = next;
    return ocsp::make_served(a, as_bytes(cert_id));
}

ocsp::CacheKey key(std::string_view serial_hex, std::uint32_t issuer = 1) {
    return ocsp::CacheKey(issuer, Serial::from_hex(serial_hex)->bytes());
}

}  // namespace

TEST_CASE("an answer is found for its exact CertID only, until nextUpdate", "[cache]") {
    ocsp::ResponseCache cache(100);
    cache.insert(key("01"), answer("sha1-id", kNow + 3600), cache.generation(key("01")));
    auto hit = cache.find(key("01"), as_bytes("sha1-id"), kNow);
    REQUIRE(hit);
    CHECK(hit->refresh_at == kNow + 1800);
    CHECK(hit->etag.size() == 34);
    CHECK_FALSE(cache.find(key("01"), as_bytes("sha256-id"), kNow));
    CHECK_FALSE(cache.find(key("01", 2), as_bytes("sha1-id"), kNow));
    CHECK_FALSE(cache.find(key("01"), as_bytes("sha1-id"), kNow + 3600));
    CHECK(cache.stats().hits == 1);
    CHECK(cache.stats().misses == 3);
}

TEST_CASE("a DER sign byte in the serial reaches the same entry", "[cache]") {
    const Bytes with_sign{std::byte{0x00}, std::byte{0x80}};
    const Bytes magnitude{std::byte{0x80}};
    CHECK(ocsp::CacheKey(7, with_sign) == ocsp::CacheKey(7, magnitude));
}

TEST_CASE("invalidation drops every variant and refuses answers built before it", "[cache]") {
    ocsp::ResponseCache cache(100);
    auto g = cache.generation(key("01"));
    cache.insert(key("01"), answer("sha1-id", kNow + 3600), g);
    cache.insert(key("01"), answer("sha256-id", kNow + 3600), g);
    auto before_change = cache.generation(key("01"));
    cache.invalidate(key("01"));
    CHECK_FALSE(cache.find(key("01"), as_bytes("sha1-id"), kNow));
    CHECK_FALSE(cache.find(key("01"), as_bytes("sha256-id"), kNow));
    // A signer that read the old state before the change finishes now: refused.
    cache.insert(key("01"), answer("sha1-id", kNow + 3600), before_change);
    CHECK_FALSE(cache.find(key("01"), as_bytes("sha1-id"), kNow));
    cache.insert(key("01"), answer("sha1-id", kNow + 3600), cache.generation(key("01")));
    CHECK(cache.find(key("01"), as_bytes("sha1-id"), kNow));
    CHECK(cache.stats().entries == 1);
}

TEST_CASE("the cache stays within its capacity", "[cache]") {
    ocsp::ResponseCache cache(64);
    for (int i = 1; i <= 1000; ++i) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "%04x", i);
        cache.insert(key(hex), answer("id", kNow + 3600), cache.generation(key(hex)));
    }
    CHECK(cache.stats().entries <= cache.capacity());
    CHECK(cache.stats().entries > 0);
}
