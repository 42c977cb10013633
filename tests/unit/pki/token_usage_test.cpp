#include "pki/token_usage.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <thread>

using tanda::pki::TokenUsage;

TEST_CASE("a token's signatures wait for a free session beyond max_sessions", "[pki][pkcs11]") {
    TokenUsage usage("t", 1);
    auto first = std::make_unique<TokenUsage::Call>(&usage);
    CHECK(usage.sessions_in_use() == 1);
    auto second = std::async(std::launch::async, [&] {
        TokenUsage::Call call(&usage);  // waits for the first
        call.done(true);
    });
    CHECK(second.wait_for(std::chrono::milliseconds(100)) == std::future_status::timeout);
    first->done(true);
    second.get();
    CHECK(usage.sessions_in_use() == 0);
    CHECK(usage.signatures() == 2);
    CHECK(usage.failures() == 0);
    CHECK(usage.seconds().snapshot().count == 2);
}

TEST_CASE("a token signature not marked done counts as failed", "[pki][pkcs11]") {
    TokenUsage usage("t", 4);
    { TokenUsage::Call call(&usage); }
    CHECK(usage.failures() == 1);
    CHECK(usage.sessions_in_use() == 0);
    TokenUsage::Call none(nullptr);  // a key file: nothing counted
    none.done(true);
    CHECK(usage.signatures() == 0);
}
