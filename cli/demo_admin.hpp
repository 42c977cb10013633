// The admin part of `tanda demo`: an admin CA, the admin listener's certificate, two operators'
// and an auditor's client certificates, the config section that grants their roles, and the
// two-step flow (revoke as one operator, approve as the other) that revokes good.pem.
#pragma once

#include <filesystem>
#include <string>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace tanda::cli {

inline constexpr unsigned kDemoAdminPort = 8443;

// Writes admin-ca.pem/.key, admin-server.pem/.key, operator.pem/.key, operator2.pem/.key,
// auditor.pem/.key and revocation-letter.txt into `dir`. Keys are 0600.
[[nodiscard]] Result<void> create_demo_admin(const std::filesystem::path& dir, UnixSeconds now);
// The `admin:` section of the demo's tanda.yaml.
std::string demo_admin_yaml();
// Prints how to revoke good.pem through the admin API on `port`, with the absolute path of the
// running binary.
void print_admin_instructions(const std::filesystem::path& dir, unsigned port);

}  // namespace tanda::cli
