// Readiness checks and the scrape-time collectors against a real index, CA and CRL service.
#include <catch2/catch.hpp>

#include "ca/ca_metrics.hpp"
#include "ca/ca_readiness.hpp"
#include "core/time_format.hpp"
#include "crl/crl_metrics.hpp"
#include "crl/crl_readiness.hpp"
#include "crl/crl_service.hpp"
#include "tests/unit/crl/crl_fixture.hpp"

using namespace tanda;

namespace {

std::map<std::string, std::optional<std::string>> run(
    const std::vector<ReadinessCheck>& checks) {
    std::map<std::string, std::optional<std::string>> out;
    for (const auto& c : checks) out[c.name] = c.problem();
    return out;
}

}  // namespace

TEST_CASE("readiness: CRLs published and current, signers valid now, storage readable",
          "[health]") {
    test::CrlFixture f;
    f.clock.set(SystemClock().now());  // the test CA's certificates are valid around now
    auto cas = std::make_shared<const ca::CaRegistry>(*f.registry);
    crl::CrlService service(cas, *f.index, f.state_dir, f.clock, f.logger);
    auto checks = ca::readiness_checks([cas] { return cas; }, *f.index, f.clock);
    checks.push_back(crl::readiness_check([cas] { return cas; }, service, f.clock));

    auto before = run(checks);
    CHECK(before["storage"] == std::nullopt);
    CHECK(before["signers"] == std::nullopt);
    CHECK(before["crls"] == std::optional<std::string>("CRL of ca not published"));

    REQUIRE(service.start());
    CHECK(run(checks)["crls"] == std::nullopt);

    const UnixSeconds next_update = service.find("ca", false)->next_update;
    f.clock.set(next_update);
    CHECK(run(checks)["crls"] ==
          std::optional<std::string>("CRL of ca past nextUpdate " + format_rfc3339(next_update)));

    const UnixSeconds signer_end = f.served().signer.certificate().not_after();
    f.clock.set(signer_end + 1);
    CHECK(run(checks)["signers"] ==
          std::optional<std::string>("signer of ca expired at " + format_rfc3339(signer_end)));
    service.stop();
}

TEST_CASE("CRL and signer metrics show what is served", "[health][metrics]") {
    test::CrlFixture f([](ca::CrlOptions& o) { o.debounce = std::chrono::seconds(0); });
    f.issue("01");
    f.revoke("02", Reason::key_compromise);
    auto cas = std::make_shared<const ca::CaRegistry>(*f.registry);
    crl::CrlService service(cas, *f.index, f.state_dir, f.clock, f.logger);
    REQUIRE(service.start());
    metrics::Registry registry;
    ca::add_ca_metrics(registry, [cas] { return cas; });
    crl::add_crl_metrics(registry, [cas] { return cas; }, service);
    const std::string text = registry.render();
    auto crl = service.find("ca", false);
    auto has = [&](const std::string& line) {
        INFO(text);
        CHECK_THAT(text, Catch::Contains(line + "\n"));
    };
    has("tanda_crl_number{ca=\"ca\",kind=\"full\"} 1");
    has("tanda_crl_entries{ca=\"ca\",kind=\"full\"} 1");
    has("tanda_crl_bytes{ca=\"ca\",kind=\"full\"} " + std::to_string(crl->der.size()));
    has("tanda_crl_next_update_timestamp_seconds{ca=\"ca\",kind=\"full\"} " +
        std::to_string(crl->next_update));
    has("tanda_signer_not_after_timestamp_seconds{ca=\"ca\",delegated=\"" +
        std::string(f.served().signer.delegated() ? "1" : "0") + "\"} " +
        std::to_string(f.served().signer.certificate().not_after()));
    CHECK(crl->generation_seconds > 0);
    service.stop();
}
