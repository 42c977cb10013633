#include "ocsp/signing_pool.hpp"

#include <atomic>
#include <future>
#include <thread>

#include <catch2/catch.hpp>

using tanda::ocsp::SigningPool;

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

TEST_CASE("a task runs on the calling thread only while a pool thread is idle", "[pool]") {
    std::promise<void> release;
    std::shared_future<void> gate = release.get_future().share();
    std::atomic<int> started{0};
    SigningPool pool(1, 1);
    const auto caller = std::this_thread::get_id();
    std::thread::id ran_on;
    auto record = [&] { ran_on = std::this_thread::get_id(); };
    REQUIRE(pool.try_run_here(record));
    CHECK(ran_on == caller);
    CHECK(pool.ran_here() == 1);

    SECTION("the inline task holds a thread's place: one more fits in the waiting room") {
        bool submitted = false, refused = false;
        auto nested = [&] {
            // The accepted task waits at the gate: the pool's thread, which may take it at once,
            // must not finish it before the second submission is counted.
            submitted = pool.try_submit([&] {
                ++started;
                gate.wait();
            });
            refused = !pool.try_submit([&] { ++started; });
        };
        REQUIRE(pool.try_run_here(nested));
        CHECK(submitted);
        CHECK(refused);
        release.set_value();
        pool.stop();
        CHECK(started == 1);
    }
    SECTION("with the pool's thread busy the caller is refused and the task is not run") {
        REQUIRE(pool.try_submit([&] {
            ++started;
            gate.wait();
        }));
        while (started < 1) std::this_thread::yield();
        bool ran = false;
        auto mark = [&] { ran = true; };
        CHECK_FALSE(pool.try_run_here(mark));
        CHECK_FALSE(ran);
        CHECK(pool.ran_here() == 1);
        release.set_value();
        pool.stop();
    }
    SECTION("a stopped pool runs nothing here") {
        pool.stop();
        bool ran = false;
        auto mark = [&] { ran = true; };
        CHECK_FALSE(pool.try_run_here(mark));
        CHECK_FALSE(ran);
    }
}
