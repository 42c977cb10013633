// Which settings a running `tanda serve` cannot take from a reloaded config: everything but the
// `cas` list as OCSP and the admin API see it is wired once at start (listeners, storage, pools,
// admin settings and per-CA rules, CRLs, metrics).
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"

namespace tanda::config {

// The settings that differ between `running` and `next` but only take effect after a restart,
// named as in the YAML ("listen.port", "storage.path", "admin.roles", "cas[ec].crl", ...),
// in file order. CAs added or removed are named when CRL publishing would need them
// ("cas[new].crl"); "admin.cas" when a CA's admin rules (allow_single_approver,
// allow_unregistered) would change. Empty when a reload can apply `next` whole.
std::vector<std::string> restart_only_changes(const Config& running, const Config& next);

}  // namespace tanda::config
