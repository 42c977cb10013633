#include "ocsp/signer_probe.hpp"

#include <catch2/catch.hpp>

#include "tests/unit/ocsp/live_fixture.hpp"

using namespace tanda;

TEST_CASE("a probe signs a throwaway answer with each served CA's signer", "[ocsp]") {
    test::LiveFixture f;
    f.start();
    for (const auto& ca : f.registry->cas()) {
        INFO(ca.options.name);
        CHECK(ocsp::probe_ocsp_signer(ca, f.clock.now()));
        // Key files cannot stop signing: nothing to probe, nothing to reopen.
        CHECK_FALSE(ca.signer.key_on_token());
        CHECK(ocsp::probe_token_keys(ca, f.clock.now()));
        CHECK_FALSE(ca.signer.key().reopen_token());
    }
}
