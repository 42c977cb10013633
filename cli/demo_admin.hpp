// The admin part of `tanda demo`: an admin CA, the admin listener's certificate, an operator and
// an auditor client certificate, the config section that grants their roles, and the
// `tanda admin revoke` command that revokes the demo's good certificate.
#pragma once

#include <filesystem>
#include <string>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace tanda::cli {

inline constexpr unsigned kDemoAdminPort = 8443;

// Writes admin-ca.pem/.key, admin-server.pem/.key, operator.pem/.key, auditor.pem/.key and
// revocation-letter.txt into `dir`. Keys are 0600.
[[nodiscard]] Result<void> create_demo_admin(const std::filesystem::path& dir, UnixSeconds now);
// The `admin:` section of the demo's tanda.yaml.
std::string demo_admin_yaml();
// Prints how to revoke good.pem through the admin API on `port`.
void print_admin_instructions(const std::filesystem::path& dir, unsigned port);

}  // namespace tanda::cli
