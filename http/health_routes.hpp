// GET /healthz (the process answers) and GET /readyz (it can answer correctly) for load
// balancers and systemd/Kubernetes-style probes. What "ready" means is a list of named checks
// the libraries that know provide (ca/ca_readiness.hpp, crl/crl_readiness.hpp).
#pragma once

#include <vector>

#include "core/readiness_check.hpp"
#include "http/router.hpp"

namespace tanda::http {

// /healthz always 200 "ok"; /readyz 200 when every check passes, else 503; the body has one
// "name: ok" or "name: problem" line per check. Neither is cached.
void add_health_routes(Router& router, std::vector<ReadinessCheck> checks = {});

}  // namespace tanda::http
