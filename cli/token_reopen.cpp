#include "cli/token_reopen.hpp"

#include <optional>
#include <string>
#include <vector>

#include "ocsp/signer_probe.hpp"

namespace tanda::cli {
namespace {

// Reopens the modules of `ca`'s token keys when one of them fails; the failure, if any.
std::optional<std::string> reopen_if_failing(const ca::ServedCa& ca, UnixSeconds now) {
    auto signs = ocsp::probe_token_keys(ca, now);
    if (signs) return std::nullopt;
    ca.signer.key().reopen_token();
    if (ca.crl_signer) ca.crl_signer->key().reopen_token();
    return "CA '" + ca.options.name + "': " + signs.error().message;
}

}  // namespace

ca::ReloadLoader token_reopen_loader(const ca::CaRegistryHolder& holder, const Clock& clock) {
    return [&holder, &clock]() -> tl::expected<ca::ReloadCandidate, std::vector<std::string>> {
        const auto running = holder.snapshot();
        std::vector<ca::CaOptions> options;
        for (const auto& ca : running->cas()) {
            reopen_if_failing(ca, clock.now());
            options.push_back(ca.options);
        }
        auto loaded = ca::load_cas(options);
        if (!loaded) return tl::unexpected(std::move(loaded.error()));
        // A new key that does not sign either: its module is opened afresh on the next attempt.
        std::vector<std::string> problems;
        for (const auto& ca : loaded->cas()) {
            if (auto problem = reopen_if_failing(ca, clock.now())) problems.push_back(*problem);
        }
        if (!problems.empty()) return tl::unexpected(std::move(problems));
        return ca::ReloadCandidate{std::move(*loaded), {}};
    };
}

}  // namespace tanda::cli
