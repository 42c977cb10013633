#include "ca/ca_readiness.hpp"

#include "core/time_format.hpp"

namespace tanda::ca {
namespace {

std::optional<std::string> signer_problem(const ServedCa& ca, UnixSeconds now) {
    const auto& cert = ca.signer.certificate();
    if (now < cert.not_before()) {
        return "signer of " + ca.options.name + " not valid before " +
               format_rfc3339(cert.not_before());
    }
    if (now > cert.not_after()) {
        return "signer of " + ca.options.name + " expired at " + format_rfc3339(cert.not_after());
    }
    return std::nullopt;
}

}  // namespace

std::vector<ReadinessCheck> readiness_checks(CaSnapshot cas,
                                                   const storage::RevocationIndex& index,
                                                   const Clock& clock) {
    std::vector<ReadinessCheck> checks;
    checks.push_back({"storage", [&index]() -> std::optional<std::string> {
                          // A read transaction: the environment is open and readable.
                          auto stats = index.stats();
                          if (!stats) return stats.error().message;
                          return std::nullopt;
                      }});
    checks.push_back({"signers", [cas, &clock]() -> std::optional<std::string> {
                          auto registry = cas();
                          if (!registry || registry->cas().empty()) return "no CA loaded";
                          const UnixSeconds now = clock.now();
                          for (const auto& ca : registry->cas()) {
                              if (auto p = signer_problem(ca, now)) return p;
                          }
                          return std::nullopt;
                      }});
    return checks;
}

}  // namespace tanda::ca
