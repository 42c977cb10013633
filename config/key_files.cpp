#include "config/key_files.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

namespace tanda::config {

std::optional<std::string> key_file_problem(const std::string& path, unsigned euid) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    // Like ssh and PostgreSQL: any permission for group or other exposes the key.
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        return "is accessible by group or others (mode " + std::string(mode) +
               "): chmod 600 it";
    }
    if (st.st_uid != euid && st.st_uid != 0) {
        return "is owned by uid " + std::to_string(st.st_uid) + ", neither uid " +
               std::to_string(euid) + " (which tanda runs as) nor root: chown it";
    }
    return std::nullopt;
}

std::vector<ConfigProblem> check_key_files(const Config& config, unsigned euid) {
    std::vector<ConfigProblem> out;
    for (const auto& k : config.key_files) {
        if (auto why = key_file_problem(k.path, euid)) {
            out.push_back({k.file, k.line,
                           k.what + " '" + k.path + "' " + *why +
                               " (or set security.insecure_key_permissions: warn)"});
        }
    }
    return out;
}

std::vector<ConfigProblem> check_key_files(const Config& config) {
    return check_key_files(config, static_cast<unsigned>(::geteuid()));
}

}  // namespace tanda::config
