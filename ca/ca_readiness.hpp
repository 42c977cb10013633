// What readiness means for the served CAs (GET /readyz, http/health_routes.hpp): storage open
// and readable, and every CA's signer within its validity now.
#pragma once

#include <memory>
#include <vector>

#include "ca/ca_registry_holder.hpp"
#include "core/clock.hpp"
#include "core/readiness_check.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::ca {

// The checks "storage" and "signers". `cas` is read at each check (it may be swapped); `index`
// and `clock` must outlive the checks.
std::vector<ReadinessCheck> readiness_checks(CaSnapshot cas,
                                                   const storage::RevocationIndex& index,
                                                   const Clock& clock);

}  // namespace tanda::ca
