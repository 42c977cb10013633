// Who may read the private key files a config names: only the user tanda runs as (or root, as
// owner). A key readable by others is refused at start, or only warned about when
// security.insecure_key_permissions is `warn`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace tanda::config {

// Why `path` is not safe as a private key file for a process running as `euid`: group or other
// have any permission on it, or it is owned by neither `euid` nor root. nullopt when it is safe,
// and when it cannot be stat()ed (the key loader reports a missing or unreadable file).
[[nodiscard]] std::optional<std::string> key_file_problem(const std::string& path,
                                                          unsigned euid);

// One problem per unsafe key file in `config.key_files`, at the line that names it, each
// saying how to fix it. `euid` defaults to the process's effective user.
[[nodiscard]] std::vector<ConfigProblem> check_key_files(const Config& config);
[[nodiscard]] std::vector<ConfigProblem> check_key_files(const Config& config, unsigned euid);

}  // namespace tanda::config
