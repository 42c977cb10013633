#include "ocsp/ocsp_service.hpp"

#include <future>

#include <catch2/catch.hpp>

#include "tests/unit/ocsp/live_fixture.hpp"
#include "tests/unit/ocsp/ocsp_client.hpp"

using namespace tanda;
using ocsp::Outcome;

namespace {

struct ServiceFixture : test::LiveFixture, test::ServingStack {
    void start_service(unsigned threads = 2, std::size_t room = 16) {
        start();
        serve(registry, *index, clock, logger, threads, room);
    }
    // Waits for the answer, wherever it is produced.
    std::shared_ptr<const ocsp::ServedAnswer> ask(const Bytes& der) {
        return test::ask(*service, der);
    }
    Bytes simple_request(const test::IssuedCert& leaf, const EVP_MD* md = EVP_sha1()) {
        test::RequestBuilder req;
        req.add(md, leaf.cert, ec.cert());
        return req.der();
    }
};

}  // namespace

TEST_CASE("a repeated request is answered from the cache with the same bytes", "[service]") {
    ServiceFixture f;
    f.start_service();
    auto md = GENERATE(EVP_sha1(), EVP_sha256());
    auto der = f.simple_request(f.ec_good, md);
    auto first = f.ask(der);
    auto second = f.ask(der);
    CHECK(first->answer.outcome == ocsp::Outcome::good);
    CHECK(second == first);  // the same cached object: no new signature
    CHECK(f.cache->stats().hits == 1);
    test::ReadResponse read(*second->answer.der);
    CHECK(read.verifies(f.ec.cert()));
}

TEST_CASE("a status change is visible on the very next request", "[service]") {
    ServiceFixture f;
    f.start_service();
    auto der = f.simple_request(f.ec_good);
    CHECK(f.ask(der)->answer.outcome == ocsp::Outcome::good);
    CHECK(f.ask(der)->answer.outcome == ocsp::Outcome::good);
    CertRecord r = test::LiveFixture::issued(f.ec_good.cert);
    r.state = CertState::revoked;
    r.reason = Reason::key_compromise;
    r.revoked_at = f.clock.now();
    f.record("ec", f.ec_good.cert, r);  // commit observer invalidates before commit returns
    auto after = f.ask(der);
    CHECK(after->answer.outcome == ocsp::Outcome::revoked);
    test::ReadResponse read(*after->answer.der);
    auto s = read.status(test::cert_id(EVP_sha1(), f.ec_good.cert, f.ec.cert()).get());
    REQUIRE(s);
    CHECK(s->reason == OCSP_REVOKED_STATUS_KEYCOMPROMISE);
}

TEST_CASE("answers with a nonce are signed for each request and never cached", "[service]") {
    ServiceFixture f;
    f.start_service();
    test::RequestBuilder req;
    req.add(EVP_sha1(), f.ec_good.cert, f.ec.cert()).nonce(Bytes(32, std::byte{7}));
    auto a = f.ask(req.der());
    auto b = f.ask(req.der());
    CHECK(a->answer.has_nonce);
    CHECK(*a->answer.der != *b->answer.der);
    CHECK(f.cache->stats().entries == 0);
}

TEST_CASE("quick signatures are made on the calling thread while the pool is idle", "[service]") {
    ServiceFixture f;
    f.start_service();
    // Which thread ran `done`, and the outcome it was given.
    auto where = [&f](const Bytes& der) {
        // Shared: a late answer after a failed REQUIRE must not land in a dead promise.
        auto p = std::make_shared<std::promise<std::pair<std::thread::id, ocsp::Outcome>>>();
        auto answered = p->get_future();
        f.service->respond(der, [p](auto served) {
            p->set_value({std::this_thread::get_id(), served->answer.outcome});
        });
        REQUIRE(answered.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
        return answered.get();
    };
    const auto caller = std::this_thread::get_id();
    test::RequestBuilder ec;
    ec.add(EVP_sha1(), f.ec_good.cert, f.ec.cert()).nonce(Bytes(32, std::byte{7}));
    auto [ec_thread, ec_outcome] = where(ec.der());
    CHECK(ec_outcome == ocsp::Outcome::good);
    CHECK(ec_thread == caller);
    CHECK(f.pool->ran_here() == 1);

    test::RequestBuilder rsa;  // RSA takes a millisecond or more: never on the I/O thread
    rsa.add(EVP_sha1(), f.rsa_good.cert, f.rsa.cert()).nonce(Bytes(32, std::byte{7}));
    auto [rsa_thread, rsa_outcome] = where(rsa.der());
    CHECK(rsa_outcome == ocsp::Outcome::good);
    CHECK(rsa_thread != caller);
    CHECK(f.pool->ran_here() == 1);
}

TEST_CASE("a saturated signing pool answers tryLater at once", "[service]") {
    ServiceFixture f;
    f.start_service(1, 0);
    std::promise<void> release;
    std::shared_future<void> gate = release.get_future().share();
    std::atomic<bool> busy{false};
    REQUIRE(f.pool->try_submit([&] {
        busy = true;
        gate.wait();
    }));
    while (!busy) std::this_thread::yield();
    auto refused = f.ask(f.simple_request(f.ec_good));
    CHECK(refused->answer.outcome == ocsp::Outcome::try_later);
    CHECK(*refused->answer.der == Bytes{std::byte{0x30}, std::byte{0x03}, std::byte{0x0a},
                                        std::byte{0x01}, std::byte{0x03}});
    release.set_value();
    f.pool->stop();
}

TEST_CASE("past half of its validity an answer is re-signed in the background", "[service]") {
    ServiceFixture f;
    f.start_service();
    auto der = f.simple_request(f.ec_good);
    auto first = f.ask(der);
    f.clock.advance(first->refresh_at - f.clock.now() + 1);
    auto during = f.ask(der);
    CHECK(during == first);  // served at once, refresh queued
    std::shared_ptr<const ocsp::ServedAnswer> later;
    for (int i = 0; i < 500 && (!later || later == first); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        later = f.ask(der);
    }
    REQUIRE(later != first);
    CHECK(later->answer.produced_at == f.clock.now());
}

TEST_CASE("cache hits still obey the CA's policy", "[service]") {
    ServiceFixture f;
    SECTION("nonce required: a request without one is malformed even when cached") {
        f.options[0].nonce_policy = ca::NoncePolicy::require;
        f.start_service();
        CHECK(f.ask(f.simple_request(f.ec_good))->answer.outcome == ocsp::Outcome::malformed);
    }
    SECTION("issuers not served are unauthorized on the fast path") {
        f.start_service();
        test::RequestBuilder req;
        req.add(EVP_sha1(), f.foreign.cert, f.stranger.cert());
        CHECK(f.ask(req.der())->answer.outcome == ocsp::Outcome::unauthorized);
        req.nonce(Bytes(32, std::byte{7}));
        CHECK(f.ask(req.der())->answer.outcome == ocsp::Outcome::unauthorized);
    }
    SECTION("nonce ignored: nonce requests share one cached answer without a nonce") {
        f.options[0].nonce_policy = ca::NoncePolicy::ignore;
        f.start_service();
        test::RequestBuilder one, two;
        one.add(EVP_sha1(), f.ec_good.cert, f.ec.cert()).nonce(Bytes(32, std::byte{1}));
        two.add(EVP_sha1(), f.ec_good.cert, f.ec.cert()).nonce(Bytes(32, std::byte{2}));
        auto a = f.ask(one.der());
        CHECK(a->answer.outcome == ocsp::Outcome::good);
        CHECK_FALSE(a->answer.has_nonce);
        CHECK(f.ask(two.der()) == a);
        CHECK(f.ask(f.simple_request(f.ec_good)) == a);
        // Its background refresh is made without the nonce of the request that triggered it.
        f.clock.advance(a->refresh_at - f.clock.now() + 1);
        CHECK(f.ask(two.der()) == a);
        std::shared_ptr<const ocsp::ServedAnswer> later;
        for (int i = 0; i < 500 && (!later || later == a); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            later = f.ask(f.simple_request(f.ec_good));
        }
        REQUIRE(later != a);
        CHECK_FALSE(later->answer.has_nonce);
        CHECK(later->answer.produced_at == f.clock.now());
    }
}

TEST_CASE("a change another process made (the journal follower's entries) drops the answer",
          "[service]") {
    ServiceFixture f;
    f.start_service();
    auto der = f.simple_request(f.ec_good);
    auto first = f.ask(der);
    CHECK(f.ask(der) == first);  // cached
    storage::JournalEntry e;
    e.change = {storage::ChangeKind::revoke,
                f.registry->find_by_name("ec")->issuer_id,
                f.ec_good.cert.serial(),
                {}};
    f.service->forget({&e, 1}, false);
    auto second = f.ask(der);
    CHECK(second != first);
    CHECK(f.ask(der) == second);
    f.service->forget({}, true);  // entries skipped: everything goes
    CHECK(f.ask(der) != second);
}
