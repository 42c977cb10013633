#include "crl/crl_service.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tests/unit/crl/crl_fixture.hpp"

using namespace tanda;

namespace {

// Bounded polling: true as soon as `done` holds, false after 10 s.
template <typename F>
bool eventually(F done) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return done();
}

}  // namespace

TEST_CASE("the service serves CRLs and regenerates after a commit in this process", "[crl]") {
    test::CrlFixture f([](ca::CrlOptions& o) { o.debounce = std::chrono::seconds(0); });
    auto cas = std::make_shared<const ca::CaRegistry>(*f.registry);
    crl::CrlService service(cas, *f.index, f.state_dir, f.clock, f.logger,
                                  std::chrono::milliseconds(20));
    REQUIRE(service.start());
    REQUIRE(service.find("ca", false));
    CHECK(service.find("ca", false)->number == 1);
    CHECK(!service.find("ca", true));
    CHECK(!service.find("other", false));
    f.revoke("99", Reason::key_compromise);
    CHECK(eventually([&] { return service.find("ca", false)->number == 2; }));
    service.stop();
    service.stop();
}
