// What readiness means for CRLs (GET /readyz, http/health_routes.hpp): every CA that publishes
// CRLs has a full CRL (and a delta, when enabled) that is before its nextUpdate.
#pragma once

#include "ca/ca_registry_holder.hpp"
#include "core/clock.hpp"
#include "core/readiness_check.hpp"
#include "crl/crl_service.hpp"

namespace tanda::crl {

// The check "crls". `crls` and `clock` must outlive it; `cas` is read at each check.
ReadinessCheck readiness_check(ca::CaSnapshot cas, const CrlService& crls,
                                     const Clock& clock);

}  // namespace tanda::crl
