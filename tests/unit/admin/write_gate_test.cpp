#include "admin/write_gate.hpp"

#include <catch2/catch.hpp>
#include <shared_mutex>
#include <thread>

using tanda::admin::WriteGate;

TEST_CASE("shared holders overlap; an exclusive holder is alone", "[write_gate]") {
    WriteGate gate;
    std::shared_lock first(gate);
    CHECK(gate.try_lock_shared());  // a second shared holder gets in
    gate.unlock_shared();
    first.unlock();
    std::unique_lock alone(gate);
    CHECK_FALSE(gate.try_lock_shared());
}

TEST_CASE("a waiting exclusive locker goes before new shared ones", "[write_gate]") {
    WriteGate gate;
    std::shared_lock held(gate);
    bool had_it = false;
    std::jthread exclusive([&] {
        std::unique_lock lock(gate);
        had_it = true;
    });
    // Shared holders get in until the exclusive locker waits; from then on, none does.
    while (gate.try_lock_shared()) gate.unlock_shared();
    held.unlock();  // the last shared holder leaves: the exclusive one runs
    exclusive.join();
    CHECK(had_it);
    CHECK(gate.try_lock_shared());
    gate.unlock_shared();
}
