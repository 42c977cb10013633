// Two served CAs (ECDSA with a delegated signer, RSA signing itself) over a fresh index, with a
// few certificates recorded: the world the responder tests run in.
#pragma once

#include <catch2/catch.hpp>
#include <chrono>
#include <future>

#include "ocsp/error_answers.hpp"
#include "ocsp/ocsp_responder.hpp"
#include "ocsp/ocsp_service.hpp"
#include "ocsp/resolved_request.hpp"
#include "tests/support/fake_clock.hpp"
#include "tests/support/served_ca.hpp"

namespace tanda::test {

struct LiveFixture {
    TempDir dir;
    FakeClock clock{SystemClock().now()};
    Logger logger{LogLevel::error};
    TestCa ec{pki::KeyType::ec_p256, "CN=EC CA,O=Tanda Test,C=ID"};
    TestCa rsa{pki::KeyType::rsa2048, "CN=RSA CA,O=Tanda Test,C=ID"};
    TestCa stranger{pki::KeyType::ec_p256, "CN=Not Served,O=Elsewhere,C=ID"};
    IssuedCert ec_good = ec.issue("CN=good");
    IssuedCert ec_revoked = ec.issue("CN=revoked");
    IssuedCert ec_unknown = ec.issue("CN=never registered");
    IssuedCert rsa_good = rsa.issue("CN=rsa good");
    IssuedCert foreign = stranger.issue("CN=foreign");
    std::vector<ca::CaOptions> options{write_ca_files(dir, "ec", ec, ec.ocsp_signer()),
                                       write_ca_files(dir, "rsa", rsa, std::nullopt)};
    std::unique_ptr<storage::RevocationIndex> index;
    std::shared_ptr<ca::CaRegistry> registry;

    void start() {
        index = must(storage::RevocationIndex::open({(dir / "db").string(), 1 << 24, 126}));
        registry = std::make_shared<ca::CaRegistry>(load_registry(options));
        must(ca::bind_storage(*registry, *index, clock.now()));
        record("ec", ec_good.cert, issued(ec_good.cert));
        CertRecord r = issued(ec_revoked.cert);
        r.state = CertState::revoked;
        r.reason = Reason::key_compromise;
        r.revoked_at = clock.now() - 3600;
        record("ec", ec_revoked.cert, r);
        record("rsa", rsa_good.cert, issued(rsa_good.cert));
    }
    static CertRecord issued(const pki::Certificate& c) {
        CertRecord r;
        r.not_after = c.not_after();
        r.subject = c.subject();
        return r;
    }
    void record(const std::string& ca, const pki::Certificate& c, const CertRecord& r) {
        storage::Change change{storage::ChangeKind::register_certificate,
                               registry->find_by_name(ca)->issuer_id, c.serial(), r};
        must(index->commit({&change, 1}, storage::Provenance{}, clock.now()));
    }
    ocsp::LiveResponder responder() { return {*index, clock, logger}; }
    // What the OCSP path makes of `der` without cache or pool: resolved, then signed live.
    ocsp::ResponseContent answer(ByteView der) {
        auto request = ocsp::resolve_request(der, registry);
        if (!request) return ocsp::error_answer(request.error())->answer;
        return responder().respond(*request)->answer;
    }
};

// The OCSP path of `tanda serve` over an index: live responder, answer cache (watching the
// index), signing pool and service. `cas` is a registry or a holder (reload tests).
struct ServingStack {
    std::unique_ptr<ocsp::LiveResponder> live;
    std::unique_ptr<ocsp::ResponseCache> cache;
    std::unique_ptr<ocsp::SigningPool> pool;
    std::unique_ptr<ocsp::OcspService> service;

    template <typename Cas>
    void serve(Cas cas, storage::RevocationIndex& index, const Clock& clock, Logger& logger,
               unsigned threads = 2, std::size_t room = 16) {
        live = std::make_unique<ocsp::LiveResponder>(index, clock, logger);
        cache = std::make_unique<ocsp::ResponseCache>(1000);
        pool = std::make_unique<ocsp::SigningPool>(threads, room);
        service =
            std::make_unique<ocsp::OcspService>(std::move(cas), *live, cache.get(), *pool, clock);
        service->watch(index);
    }
};

// Asks `source` and waits for the answer, wherever it is produced (this thread or the pool's).
inline std::shared_ptr<const ocsp::ServedAnswer> ask(const ocsp::AnswerSource& source,
                                                     const Bytes& der) {
    std::promise<std::shared_ptr<const ocsp::ServedAnswer>> p;
    auto f = p.get_future();
    source.respond(der, [&p](auto served) { p.set_value(std::move(served)); });
    REQUIRE(f.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    return f.get();
}

}  // namespace tanda::test
