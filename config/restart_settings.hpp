// Which settings a running `tanda serve` cannot take from a reloaded config: everything but the
// OCSP side of the `cas` list is wired once at start (listeners, storage, pools, admin, CRLs,
// metrics).
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"

namespace tanda::config {

// The settings that differ between `running` and `next` but only take effect after a restart,
// named as in the YAML ("listen.port", "storage.path", "admin.roles", "cas[ec].crl", ...),
// in file order. CAs added or removed are named when CRL publishing or the admin API would
// need them ("cas[new].crl", "admin.cas"). Empty when a reload can apply `next` whole.
std::vector<std::string> restart_only_changes(const Config& running, const Config& next);

}  // namespace tanda::config
