#include "cli/admin_connection.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace tanda::cli {

Result<admin::ClientSettings> admin_connection(const Args& args) {
    const auto getenv = [](const char* name) { return std::getenv(name); };
    admin::PartialClientSettings profile;
    std::optional<std::string> path = args.get("profile");
    if (!path) {
        if (const char* env = getenv("TANDA_ADMIN_PROFILE"); env != nullptr && *env != '\0') {
            path = env;
        }
    }
    if (path) {
        std::ifstream in(*path);
        if (!in) return fail(ErrorCode::not_found, "cannot read the profile " + *path);
        std::ostringstream text;
        text << in.rdbuf();
        auto parsed = admin::parse_client_profile(text.str(), *path);
        if (!parsed) return tl::unexpected(parsed.error());
        profile = std::move(*parsed);
    }
    return admin::merge_client_settings(
        {args.get("url"), args.get("cert"), args.get("key"), args.get("cacert")},
        admin::client_settings_from_env(getenv), profile);
}

}  // namespace tanda::cli
