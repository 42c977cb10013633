#include "config/key_files.hpp"

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>

namespace tanda::config {
namespace {

// "'tanda' (gid 998)", or "gid 998" when the group has no name.
std::string group_text(unsigned gid) {
    struct group g {};
    struct group* found = nullptr;
    std::array<char, 4096> buf{};
    const std::string number = "gid " + std::to_string(gid);
    if (::getgrgid_r(static_cast<gid_t>(gid), &g, buf.data(), buf.size(), &found) != 0 ||
        found == nullptr) {
        return number;
    }
    return "'" + std::string(found->gr_name) + "' (" + number + ")";
}

}  // namespace

std::optional<std::string> key_file_problem(const std::string& path, unsigned euid,
                                            unsigned egid) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    const std::string fix =
        ": chmod 600 it, or chgrp it to tanda's group " + group_text(egid) + " and chmod 640 it";
    // Like ssh and PostgreSQL: others never; and nobody but the owner may change the key.
    if ((st.st_mode & (S_IRWXO | S_IWGRP | S_IXGRP)) != 0) {
        return "is accessible by others or writable by group (mode " + std::string(mode) + ")" +
               fix;
    }
    // Group read is the Debian way for a service key (root:tanda 0640, as ssl-cert does for
    // /etc/ssl/private): the service reads it, cannot rewrite it, and the group is the
    // service's own. Any other group would let its members read the key.
    if ((st.st_mode & S_IRGRP) != 0 && st.st_gid != egid) {
        return "is readable by group " + group_text(st.st_gid) + " (mode " + std::string(mode) +
               "), not tanda's own group" + fix;
    }
    if (st.st_uid != euid && st.st_uid != 0) {
        return "is owned by uid " + std::to_string(st.st_uid) + ", neither uid " +
               std::to_string(euid) + " (which tanda runs as) nor root: chown it";
    }
    return std::nullopt;
}

std::vector<ConfigProblem> check_key_files(const Config& config, unsigned euid, unsigned egid) {
    std::vector<ConfigProblem> out;
    for (const auto& k : config.key_files) {
        if (auto why = key_file_problem(k.path, euid, egid)) {
            out.push_back({k.file, k.line,
                           k.what + " '" + k.path + "' " + *why +
                               " (or set security.insecure_key_permissions: warn)"});
        }
    }
    return out;
}

std::vector<ConfigProblem> check_key_files(const Config& config) {
    return check_key_files(config, static_cast<unsigned>(::geteuid()),
                           static_cast<unsigned>(::getegid()));
}

}  // namespace tanda::config
