#include "ca/registry_reloader.hpp"

#include <future>

#include <catch2/catch.hpp>

#include "ocsp/ocsp_service.hpp"
#include "tests/unit/ocsp/live_fixture.hpp"
#include "tests/unit/ocsp/ocsp_client.hpp"

using namespace tanda;
using ocsp::Outcome;

namespace {

class CaptureLogger final : public Logger {
public:
    std::vector<std::string> lines() const {
        std::lock_guard lock(mutex_);
        return lines_;
    }
    // Every captured line containing `needle`.
    std::vector<std::string> matching(std::string_view needle) const {
        std::vector<std::string> out;
        for (const auto& l : lines()) {
            if (l.find(needle) != std::string::npos) out.push_back(l);
        }
        return out;
    }

protected:
    void write(std::string_view line) override {
        std::lock_guard lock(mutex_);
        lines_.emplace_back(line);
    }

private:
    mutable std::mutex mutex_;
    std::vector<std::string> lines_;
};

// The serving stack of `tanda serve` (holder, live responder, cache, pool, service) with a
// reloader whose loader reads `options` from disk again, as the config loader does.
struct ReloadFixture : test::LiveFixture, test::ServingStack {
    CaptureLogger log;
    std::shared_ptr<ca::CaRegistryHolder> holder;
    std::unique_ptr<ca::RegistryReloader> reloader;
    std::vector<std::string> restart_only;             // reported by the loader
    std::vector<std::string> config_problems;          // the loader fails with these when set

    ReloadFixture() {
        start();
        holder = std::make_shared<ca::CaRegistryHolder>(registry);
        serve(holder, *index, clock, logger);
        auto load = [this]() -> tl::expected<ca::ReloadCandidate, std::vector<std::string>> {
            if (!config_problems.empty()) return tl::unexpected(config_problems);
            auto loaded = ca::load_cas(options);
            if (!loaded) return tl::unexpected(loaded.error());
            return ca::ReloadCandidate{std::move(*loaded), restart_only};
        };
        reloader = std::make_unique<ca::RegistryReloader>(load, *holder, *index, clock, log);
        reloader->on_swapped = [this] { cache->clear(); };
    }
    ~ReloadFixture() { pool->stop(); }

    std::shared_ptr<const ocsp::ServedAnswer> ask(const Bytes& der) {
        return test::ask(*service, der);
    }
    Bytes request_for(const test::IssuedCert& leaf) {
        test::RequestBuilder req;
        req.add(EVP_sha1(), leaf.cert, ec.cert());
        return req.der();
    }
    // Replaces the ec CA's delegated signer files in place (same paths as in `options`).
    test::IssuedCert rotate_ec_signer() {
        auto next = ec.ocsp_signer();
        test::write_ca_files(dir, "ec", ec, next);
        return next;
    }
};

// The certificate the response names as its signer (by responder id among the included certs).
bool signed_by(const Bytes& der, const pki::Certificate& signer) {
    test::ReadResponse read(der);
    X509* found = nullptr;
    if (OCSP_resp_get0_signer(read.basic(), &found, nullptr) != 1) return false;
    return X509_cmp(found, signer.handle().get()) == 0;
}

}  // namespace

TEST_CASE("a valid reload swaps the signer: cached answers of the old one are not served",
          "[reload]") {
    ReloadFixture f;
    const auto old_signer = f.registry->find_by_name("ec")->signer.certificate();
    auto der = f.request_for(f.ec_good);
    auto first = f.ask(der);
    REQUIRE(first->answer.outcome == ocsp::Outcome::good);
    REQUIRE(f.ask(der) == first);  // cached
    CHECK(signed_by(*first->answer.der, old_signer));

    auto next = f.rotate_ec_signer();
    REQUIRE(f.reloader->reload());
    CHECK(f.reloader->reloads_succeeded() == 1);
    CHECK(f.reloader->reloads_failed() == 0);
    CHECK(f.reloader->last_reload_success_unixtime() == f.clock.now());
    CHECK(f.holder->version() == 1);
    CHECK(f.holder->snapshot()->find_by_name("ec")->signer.certificate().der() ==
          next.cert.der());
    // Storage ids survive the swap: the same issuer keeps its records.
    CHECK(f.holder->snapshot()->find_by_name("ec")->issuer_id ==
          f.registry->find_by_name("ec")->issuer_id);

    auto after = f.ask(der);
    CHECK(after != first);
    CHECK(after->answer.outcome == ocsp::Outcome::good);
    CHECK(signed_by(*after->answer.der, next.cert));
    CHECK_FALSE(signed_by(*after->answer.der, old_signer));
    CHECK(test::ReadResponse(*after->answer.der).verifies(f.ec.cert()));
    CHECK(f.ask(der) == after);  // the new answer is cached in turn

    auto ca_lines = f.log.matching("msg=\"reload: CA\"");
    REQUIRE(ca_lines.size() == 2);
    CHECK(ca_lines[0].find("ca=ec") != std::string::npos);
    CHECK(ca_lines[0].find("change=\"signer rotated\"") != std::string::npos);
    CHECK(ca_lines[0].find("signer_serial=" + next.cert.serial().to_hex()) != std::string::npos);
    CHECK(ca_lines[1].find("change=\"same signer\"") != std::string::npos);
    CHECK(f.log.matching("msg=\"config reloaded\"").size() == 1);
}

TEST_CASE("an answer signed under the old registry during the swap is not cached after it",
          "[reload]") {
    ReloadFixture f;
    const auto* ec = f.registry->find_by_name("ec");
    const auto old_signer = ec->signer.certificate();
    auto der = f.request_for(f.ec_good);
    auto request = ocsp::resolve_request(der, f.holder->snapshot());
    REQUIRE(request);
    const Bytes cert_id(request->certs[0].cert_id_der.begin(), request->certs[0].cert_id_der.end());
    ocsp::CacheKey key(ec->issuer_id, f.ec_good.cert.serial().bytes());
    // What a pool task does, with the reload landing between its signature and its insert.
    const auto generation = f.cache->generation(key);
    auto answer = f.live->respond(*request);
    REQUIRE(signed_by(*answer->answer.der, old_signer));
    f.rotate_ec_signer();
    REQUIRE(f.reloader->reload());
    f.cache->insert(key, answer, generation);
    CHECK(f.cache->find(key, cert_id, f.clock.now()) == nullptr);
    CHECK_FALSE(signed_by(*f.ask(der)->answer.der, old_signer));
}

TEST_CASE("an invalid config keeps the running CAs, counts and logs every problem",
          "[reload]") {
    ReloadFixture f;
    const auto running = f.holder->snapshot();
    auto der = f.request_for(f.ec_good);
    auto cached = f.ask(der);

    SECTION("problems in the config file") {
        f.config_problems = {"tanda.yaml:7: unknown key 'prot'", "tanda.yaml:9: bad duration"};
        CHECK_FALSE(f.reloader->reload());
        auto errors = f.log.matching("msg=\"reload failed, keeping the running config\"");
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].find("tanda.yaml:7: unknown key 'prot'; tanda.yaml:9: bad duration") !=
              std::string::npos);
    }
    SECTION("unreadable key and certificate files") {
        test::write_pem(f.options[0].signer_key, "not a key");
        test::write_pem(f.options[1].issuer_certificate, "not a certificate");
        CHECK_FALSE(f.reloader->reload());
        auto errors = f.log.matching("msg=\"reload failed, keeping the running config\"");
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].find("test.yaml:1: CA 'ec': signer_key") != std::string::npos);
        CHECK(errors[0].find("test.yaml:1: CA 'rsa': issuer_certificate") != std::string::npos);
    }
    SECTION("a signer that may not sign for the CA") {
        auto stray = f.stranger.ocsp_signer();  // issued by another CA
        test::write_ca_files(f.dir, "ec", f.ec, stray);
        CHECK_FALSE(f.reloader->reload());
        CHECK(f.log.matching("CA 'ec'").size() == 1);
    }
    CHECK(f.reloader->reloads_failed() == 1);
    CHECK(f.reloader->reloads_succeeded() == 0);
    CHECK(f.reloader->last_reload_success_unixtime() == 0);
    CHECK(f.holder->snapshot() == running);
    CHECK(f.holder->version() == 0);
    CHECK(f.ask(der) == cached);  // still served from the cache, untouched
    CHECK(f.log.matching("config reloaded").empty());
}

TEST_CASE("restart-only settings that changed are named in warnings: the CAs still reload",
          "[reload]") {
    ReloadFixture f;
    f.restart_only = {"listen.port", "storage.path"};
    auto next = f.rotate_ec_signer();
    REQUIRE(f.reloader->reload());
    auto warnings = f.log.matching("needs a restart");
    REQUIRE(warnings.size() == 2);
    CHECK(warnings[0].find("level=warn") != std::string::npos);
    CHECK(warnings[0].find("setting=listen.port") != std::string::npos);
    CHECK(warnings[1].find("setting=storage.path") != std::string::npos);
    CHECK(f.holder->snapshot()->find_by_name("ec")->signer.certificate().der() ==
          next.cert.der());
}

TEST_CASE("CAs added and removed by a reload are served and refused at once", "[reload]") {
    ReloadFixture f;
    auto rsa_request = [&] {
        test::RequestBuilder req;
        req.add(EVP_sha1(), f.rsa_good.cert, f.rsa.cert());
        return req.der();
    };
    REQUIRE(f.ask(rsa_request())->answer.outcome == ocsp::Outcome::good);
    auto rsa_options = f.options[1];
    f.options.pop_back();
    REQUIRE(f.reloader->reload());
    CHECK(f.ask(rsa_request())->answer.outcome == ocsp::Outcome::unauthorized);
    CHECK(f.log.matching("change=removed").size() == 1);

    f.options.push_back(rsa_options);
    REQUIRE(f.reloader->reload());
    CHECK(f.ask(rsa_request())->answer.outcome == ocsp::Outcome::good);  // same issuer id as before
    CHECK(f.log.matching("change=added").size() == 1);
    CHECK(f.reloader->reloads_succeeded() == 2);
}

TEST_CASE("requests to the reload thread are served and the hooks run around each",
          "[reload]") {
    ReloadFixture f;
    std::atomic<int> reloading{0}, done{0};
    f.reloader->on_reloading = [&] { ++reloading; };
    f.reloader->on_done = [&] { ++done; };
    f.reloader->start();
    f.rotate_ec_signer();
    f.reloader->request();
    for (int i = 0; i < 1000 && f.reloader->reloads_succeeded() == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    f.reloader->stop();
    CHECK(f.reloader->reloads_succeeded() >= 1);
    CHECK(reloading == done);
    CHECK(done >= 1);
}

namespace {

// The reopen loader `tanda serve` uses, minus the token probes: the options the CAs were
// loaded from, loaded again; or `problems` while set.
ca::ReloadLoader reopen_from(ReloadFixture& f, const std::vector<std::string>& problems,
                             std::atomic<int>* calls = nullptr) {
    return [&f, &problems, calls]() -> tl::expected<ca::ReloadCandidate, std::vector<std::string>> {
        if (calls != nullptr) ++*calls;
        if (!problems.empty()) return tl::unexpected(problems);
        auto loaded = ca::load_cas(f.options);
        if (!loaded) return tl::unexpected(loaded.error());
        return ca::ReloadCandidate{std::move(*loaded), {}};
    };
}

}  // namespace

TEST_CASE("a reopen swaps the same CAs in again and keeps their cached answers", "[reload]") {
    ReloadFixture f;
    const std::vector<std::string> no_problems;
    f.reloader->reopen_loader = reopen_from(f, no_problems);
    auto der = f.request_for(f.ec_good);
    auto first = f.ask(der);
    REQUIRE(f.ask(der) == first);

    REQUIRE(f.reloader->reopen());
    CHECK(f.reloader->reopens_succeeded() == 1);
    CHECK(f.reloader->reopens_failed() == 0);
    CHECK(f.reloader->reloads_succeeded() == 0);  // not a config reload
    CHECK(f.holder->version() == 1);
    CHECK(f.holder->snapshot() != f.registry);
    // What a CA serves while its token is away is its cache: a reopen must not empty it.
    CHECK(f.ask(der) == first);
    REQUIRE(f.log.matching("msg=\"token keys reopened, signing again\"").size() == 1);
    CHECK(f.log.matching("msg=\"token keys reopened, signing again\"")[0].find("cas=ec,") !=
          std::string::npos);
}

TEST_CASE("a reopen that finds a signer changed on disk drops the cache as a reload does",
          "[reload]") {
    ReloadFixture f;
    const std::vector<std::string> no_problems;
    f.reloader->reopen_loader = reopen_from(f, no_problems);
    auto der = f.request_for(f.ec_good);
    auto first = f.ask(der);
    auto next = f.rotate_ec_signer();
    REQUIRE(f.reloader->reopen());
    auto after = f.ask(der);
    CHECK(after != first);
    CHECK(signed_by(*after->answer.der, next.cert));
}

TEST_CASE("a failed reopen keeps the running CAs and is counted and logged", "[reload]") {
    ReloadFixture f;
    const std::vector<std::string> problems{"CA 'ec': signer_key: PKCS#11 module:Device error"};
    f.reloader->reopen_loader = reopen_from(f, problems);
    CHECK_FALSE(f.reloader->reopen());
    CHECK(f.reloader->reopens_failed() == 1);
    CHECK(f.reloader->reopens_succeeded() == 0);
    CHECK(f.holder->version() == 0);
    auto lines = f.log.matching("msg=\"token keys not reopened, still failing\"");
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find("Device error") != std::string::npos);
}

TEST_CASE("reopen requests are paced: every 5 s for an outage's first minute, then every 60 s",
          "[reload]") {
    ReloadFixture f;
    const std::vector<std::string> problems{"still away"};
    std::atomic<int> calls{0};
    f.reloader->reopen_loader = reopen_from(f, problems, &calls);
    f.reloader->start();
    auto attempts_after = [&](int expected) {
        for (int i = 0; i < 500 && calls.load() < expected; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));  // and no more than that
        return calls.load();
    };
    f.reloader->request_reopen();  // the outage's first failure
    CHECK(attempts_after(1) == 1);
    f.clock.advance(1);
    f.reloader->request_reopen();  // every failing answer asks; most are not due
    f.reloader->request_reopen();
    CHECK(attempts_after(1) == 1);
    f.clock.advance(4);
    f.reloader->request_reopen();
    CHECK(attempts_after(2) == 2);
    for (int i = 0; i < 11; ++i) {  // asked every 5 s up to 60 s into the outage
        f.clock.advance(5);
        f.reloader->request_reopen();
        CHECK(attempts_after(3 + i) == 3 + i);  // (requests made while one runs coalesce)
    }
    f.clock.advance(5);  // 65 s in: the next attempt is 60 s after the last one
    f.reloader->request_reopen();
    f.clock.advance(30);
    f.reloader->request_reopen();
    CHECK(attempts_after(13) == 13);
    f.clock.advance(30);  // 125 s in
    f.reloader->request_reopen();
    CHECK(attempts_after(14) == 14);
    f.clock.advance(30);
    f.reloader->request_reopen();
    CHECK(attempts_after(14) == 14);
    f.clock.advance(30);
    f.reloader->request_reopen();
    CHECK(attempts_after(15) == 15);
    f.clock.advance(10 * 60);  // quiet for ten minutes: the next failure starts a new outage
    f.reloader->request_reopen();
    CHECK(attempts_after(16) == 16);
    f.clock.advance(5);
    f.reloader->request_reopen();
    CHECK(attempts_after(17) == 17);
    f.reloader->stop();
}
