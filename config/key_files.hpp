// Who may read the private key files a config names: the user tanda runs as (or root, as
// owner), and at most the group tanda runs as, for reading (root:tanda 0640, the Debian way for a
// service key). A key readable by others is refused at start, or only warned about when
// security.insecure_key_permissions is `warn`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace tanda::config {

// Why `path` is not safe as a private key file for a process running as `euid` and `egid`:
// others have any permission; group may write or execute it; group may read it while the file's
// group is not `egid`; or it is owned by neither `euid` nor root. So 0600 and 0400 are safe, and
// 0640 when the file's group is `egid`. nullopt when it is safe, and when it cannot be stat()ed
// (the key loader reports a missing or unreadable file).
[[nodiscard]] std::optional<std::string> key_file_problem(const std::string& path, unsigned euid,
                                                          unsigned egid);

// One problem per unsafe key file in `config.key_files`, at the line that names it, each
// saying how to fix it. `euid` and `egid` default to the process's effective user and group.
[[nodiscard]] std::vector<ConfigProblem> check_key_files(const Config& config);
[[nodiscard]] std::vector<ConfigProblem> check_key_files(const Config& config, unsigned euid,
                                                         unsigned egid);

}  // namespace tanda::config
