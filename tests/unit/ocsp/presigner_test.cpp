#include "ocsp/presigner.hpp"

#include <catch2/catch.hpp>

#include "pki/cert_id.hpp"
#include "tests/unit/ocsp/live_fixture.hpp"
#include "tests/unit/ocsp/ocsp_client.hpp"

using namespace tanda;

TEST_CASE("presigning fills the cache with verifiable answers for every record", "[presign]") {
    test::LiveFixture f;
    f.options[0].presign = true;
    f.start();
    ocsp::LiveResponder live(*f.index, f.clock, f.logger);
    ocsp::ResponseCache cache(1000);
    ocsp::Presigner presigner(f.registry, *f.index, live, cache, f.logger, 2000);
    REQUIRE(presigner.start());
    for (int i = 0; i < 500 && presigner.cycles() == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    presigner.stop();
    REQUIRE(presigner.cycles() >= 1);
    const auto* ec = f.registry->find_by_name("ec");
    // good, revoked and the CA's own record (bind_storage) for the presigning CA only.
    CHECK(presigner.signed_answers() == 3);
    for (const auto* leaf : {&f.ec_good, &f.ec_revoked}) {
        auto id = pki::encode_cert_id(pki::HashAlgorithm::sha1, f.ec.cert(), leaf->cert.serial());
        auto hit = cache.find(ocsp::CacheKey(ec->issuer_id, leaf->cert.serial().bytes()), id,
                              f.clock.now());
        REQUIRE(hit);
        test::ReadResponse read(*hit->answer.der);
        CHECK(read.verifies(f.ec.cert()));
        auto s = read.status(test::cert_id(EVP_sha1(), leaf->cert, f.ec.cert()).get());
        REQUIRE(s);
        CHECK(s->cert_status == (leaf == &f.ec_good ? V_OCSP_CERTSTATUS_GOOD
                                                    : V_OCSP_CERTSTATUS_REVOKED));
    }
}

TEST_CASE("no presigning CA, no thread", "[presign]") {
    test::LiveFixture f;
    f.start();
    ocsp::LiveResponder live(*f.index, f.clock, f.logger);
    ocsp::ResponseCache cache(10);
    ocsp::Presigner presigner(f.registry, *f.index, live, cache, f.logger, 10);
    CHECK_FALSE(presigner.start());
}

TEST_CASE("restart() after a reload presigns with the new snapshot, starting if needed",
          "[presign][reload]") {
    test::LiveFixture f;
    f.start();  // no CA presigns yet
    auto holder = std::make_shared<ca::CaRegistryHolder>(f.registry);
    ocsp::LiveResponder live(*f.index, f.clock, f.logger);
    ocsp::ResponseCache cache(1000);
    ocsp::Presigner presigner(holder, *f.index, live, cache, f.logger, 2000);
    CHECK_FALSE(presigner.start());

    f.options[1].presign = true;  // the reload turns presigning on for the rsa CA
    auto next = std::make_shared<ca::CaRegistry>(test::load_registry(f.options));
    test::must(ca::bind_storage(*next, *f.index, f.clock.now()));
    holder->swap(next);
    presigner.restart();
    for (int i = 0; i < 500 && presigner.cycles() == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    presigner.stop();
    REQUIRE(presigner.cycles() >= 1);
    const auto* rsa = next->find_by_name("rsa");
    auto id = pki::encode_cert_id(pki::HashAlgorithm::sha1, f.rsa.cert(), f.rsa_good.cert.serial());
    auto hit = cache.find(ocsp::CacheKey(rsa->issuer_id, f.rsa_good.cert.serial().bytes()),
                          id, f.clock.now());
    REQUIRE(hit);
    CHECK(test::ReadResponse(*hit->answer.der).verifies(f.rsa.cert()));
    presigner.restart();  // after stop(): no new thread
    CHECK(presigner.cycles() >= 1);
}
