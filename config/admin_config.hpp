// Reading the `admin:` section and the per-CA admin keys (allow_single_approver,
// allow_unregistered, approvals, pending_ttl) into admin::AdminOptions. Internal to config/.
#pragma once

#include "config/yaml_reader.hpp"

namespace tanda::config {

// Keys a CA entry may carry for the admin API (added to the CA entry's allowed keys).
inline constexpr const char* kAdminCaKeys[] = {"allow_single_approver", "allow_unregistered",
                                               "approvals", "pending_ttl",
                                               "require_ca_approver"};

void read_admin(YamlReader& r, const YAML::Node& node, Config& c);
// Records a problem for each CA a role scope's `cas` names that `c.cas` does not serve (after
// the CAs are read): a misspelt name would leave an operator who can do nothing.
void check_scope_cas(YamlReader& r, const YAML::Node& admin, const Config& c);
// Records the admin policy of the CA entry `node` named `name`.
void read_admin_ca_policy(YamlReader& r, const YAML::Node& node, const std::string& name,
                          Config& c);

}  // namespace tanda::config
