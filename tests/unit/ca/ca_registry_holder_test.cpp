#include "ca/ca_registry_holder.hpp"

#include <atomic>
#include <thread>

#include <catch2/catch.hpp>

#include "tests/unit/ocsp/live_fixture.hpp"

using namespace tanda;

TEST_CASE("a swap replaces the snapshot: older snapshots stay valid while held", "[reload]") {
    test::LiveFixture f;
    f.start();
    auto one_ca = std::make_shared<const ca::CaRegistry>(
        test::load_registry({f.options[0]}));
    ca::CaRegistryHolder holder(f.registry);
    CHECK(holder.version() == 0);
    auto before = holder.snapshot();
    CHECK(before == f.registry);

    auto previous = holder.swap(one_ca);
    CHECK(previous == f.registry);
    CHECK(holder.version() == 1);
    CHECK(holder.snapshot() == one_ca);
    CHECK(holder.snapshot()->find_by_name("rsa") == nullptr);
    // A request that took the old snapshot still sees both CAs.
    CHECK(before->find_by_name("rsa") != nullptr);
}

TEST_CASE("readers on several threads always see one whole registry during swaps", "[reload]") {
    test::LiveFixture f;
    f.start();
    std::shared_ptr<const ca::CaRegistry> both = f.registry;
    auto one = std::make_shared<const ca::CaRegistry>(test::load_registry({f.options[1]}));
    ca::CaRegistryHolder holder(both);
    std::weak_ptr<const ca::CaRegistry> watch_one = one;

    std::atomic<bool> done{false};
    std::atomic<int> mixed{0}, seen_one{0}, seen_both{0};
    std::vector<std::thread> readers;
    for (int t = 0; t < 3; ++t) {
        readers.emplace_back([&] {
            while (!done.load()) {
                auto snap = holder.snapshot();
                // Both reads come from the same object: never one CA from each registry.
                const bool has_ec = snap->find_by_name("ec") != nullptr;
                const std::size_t n = snap->cas().size();
                if ((has_ec && n != 2) || (!has_ec && n != 1)) ++mixed;
                ++(has_ec ? seen_both : seen_one);
            }
        });
    }
    for (int i = 0; i < 2000; ++i) holder.swap(i % 2 == 0 ? one : both);
    done = true;
    for (auto& r : readers) r.join();
    CHECK(mixed == 0);
    CHECK(holder.version() == 2000);
    CHECK(holder.snapshot() == both);
    // Nothing but our own handle keeps the swapped-out registry alive.
    one.reset();
    CHECK(watch_one.expired());
}
