// GET /healthz (the process answers) and GET /readyz (it can answer correctly: storage open,
// every signer usable now, every CRL current) on the public listener, for load balancers and
// systemd/Kubernetes-style probes.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "http/router.hpp"
#include "responder/ca_registry.hpp"

namespace tanda::responder {

class CrlService;

// One named readiness condition: nullopt when met, else what is wrong.
struct ReadinessCheck {
    std::string name;
    std::function<std::optional<std::string>()> problem;
};

// The checks Tanda's readiness means. `crls` may be null (no CA publishes CRLs).
std::vector<ReadinessCheck> readiness_checks(std::function<std::shared_ptr<const CaRegistry>()> cas,
                                             const storage::RevocationIndex& index,
                                             const CrlService* crls, const Clock& clock);

// /healthz always 200 "ok"; /readyz 200 when every check passes, else 503; the body has one
// "name: ok" or "name: problem" line per check. Neither is cached.
void add_health_routes(http::Router& router, std::vector<ReadinessCheck> checks = {});

}  // namespace tanda::responder
