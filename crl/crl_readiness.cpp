#include "crl/crl_readiness.hpp"

#include "core/time_format.hpp"

namespace tanda::crl {
namespace {

std::optional<std::string> crl_problem(const ca::ServedCa& ca, const CrlService& crls, bool delta,
                                       UnixSeconds now) {
    const std::string what = std::string(delta ? "delta CRL" : "CRL") + " of " + ca.options.name;
    auto crl = crls.find(ca.options.name, delta);
    if (!crl) return what + " not published";
    if (now >= crl->next_update) return what + " past nextUpdate " + format_rfc3339(crl->next_update);
    return std::nullopt;
}

}  // namespace

ReadinessCheck readiness_check(ca::CaSnapshot cas, const CrlService& crls,
                                     const Clock& clock) {
    return {"crls", [cas = std::move(cas), &crls, &clock]() -> std::optional<std::string> {
                const UnixSeconds now = clock.now();
                for (const auto& ca : cas()->cas()) {
                    if (!ca.options.crl.enabled) continue;
                    // An offline CA's late CRL is its operators' to fix (an alert says so);
                    // it must not take this node's OCSP answers out of the load balancer.
                    if (ca.options.crl.source == ca::CrlSource::imported) continue;
                    if (auto p = crl_problem(ca, crls, false, now)) return p;
                    if (!ca.options.crl.delta.enabled) continue;
                    if (auto p = crl_problem(ca, crls, true, now)) return p;
                }
                return std::nullopt;
            }};
}

}  // namespace tanda::crl
