#include "responder/signing_pool.hpp"

#include <atomic>
#include <future>

#include <catch2/catch.hpp>

using tanda::responder::SigningPool;

TEST_CASE("the pool refuses at once when threads and waiting room are full", "[pool]") {
    std::promise<void> release;
    std::shared_future<void> gate = release.get_future().share();
    std::atomic<int> ran{0};
    std::atomic<int> started{0};
    {
        SigningPool pool(2, 3);
        auto blocking = [&] {
            ++started;
            gate.wait();
            ++ran;
        };
        REQUIRE(pool.try_submit(blocking));
        REQUIRE(pool.try_submit(blocking));
        while (started < 2) std::this_thread::yield();  // both threads busy
        for (int i = 0; i < 3; ++i) CHECK(pool.try_submit([&] { ++ran; }));
        CHECK(pool.waiting() == 3);
        CHECK_FALSE(pool.try_submit([&] { ++ran; }));
        CHECK(pool.refused() == 1);
        release.set_value();
        pool.stop();  // drains what was accepted
        CHECK_FALSE(pool.try_submit([&] { ++ran; }));
    }
    CHECK(ran == 5);
}
