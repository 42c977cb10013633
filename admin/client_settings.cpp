#include "admin/client_settings.hpp"

#include <array>
#include <filesystem>
#include <utility>

namespace tanda::admin {
namespace {

using Member = std::optional<std::string> PartialClientSettings::*;

// name in a profile, environment variable, member.
struct Setting {
    const char* name;
    const char* env;
    Member member;
};
constexpr std::array<Setting, 4> kSettings = {{
    {"url", "TANDA_ADMIN_URL", &PartialClientSettings::url},
    {"cert", "TANDA_ADMIN_CERT", &PartialClientSettings::cert},
    {"key", "TANDA_ADMIN_KEY", &PartialClientSettings::key},
    {"cacert", "TANDA_ADMIN_CACERT", &PartialClientSettings::cacert},
}};

std::string_view trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

}  // namespace

Result<PartialClientSettings> parse_client_profile(std::string_view text,
                                                   const std::string& path) {
    PartialClientSettings out;
    const std::filesystem::path dir = std::filesystem::path(path).parent_path();
    std::size_t line_no = 0;
    while (!text.empty()) {
        const auto end = text.find('\n');
        const std::string_view line = trim(text.substr(0, end));
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        ++line_no;
        if (line.empty() || line.front() == '#') continue;
        const std::string where = path + ":" + std::to_string(line_no) + ": ";
        const auto eq = line.find('=');
        if (eq == std::string_view::npos) {
            return fail(ErrorCode::config, where + "expected name = value");
        }
        const std::string_view name = trim(line.substr(0, eq));
        const std::string value(trim(line.substr(eq + 1)));
        const Setting* setting = nullptr;
        for (const Setting& s : kSettings) {
            if (name == s.name) setting = &s;
        }
        if (setting == nullptr) {
            return fail(ErrorCode::config, where + "unknown name '" + std::string(name) +
                                               "' (url, cert, key, cacert)");
        }
        if (out.*(setting->member)) {
            return fail(ErrorCode::config, where + "'" + std::string(name) + "' given twice");
        }
        if (value.empty()) {
            return fail(ErrorCode::config, where + "'" + std::string(name) + "' is empty");
        }
        // Paths relative to the profile, so `--profile ~/tanda/op.profile` works from anywhere.
        const bool is_path = setting->member != &PartialClientSettings::url;
        out.*(setting->member) =
            is_path && std::filesystem::path(value).is_relative() ? (dir / value).string() : value;
    }
    return out;
}

PartialClientSettings client_settings_from_env(
    const std::function<const char*(const char*)>& getenv) {
    PartialClientSettings out;
    for (const Setting& s : kSettings) {
        const char* v = getenv(s.env);
        if (v != nullptr && *v != '\0') out.*(s.member) = v;
    }
    return out;
}

Result<ClientSettings> merge_client_settings(const PartialClientSettings& flags,
                                             const PartialClientSettings& env,
                                             const PartialClientSettings& profile) {
    std::array<std::string, 4> values;
    for (std::size_t i = 0; i < kSettings.size(); ++i) {
        const Member m = kSettings[i].member;
        const auto& v = flags.*m ? flags.*m : env.*m ? env.*m : profile.*m;
        if (v) {
            values[i] = *v;
        } else if (i == 0) {
            values[i] = kDefaultAdminUrl;
        } else {
            return fail(ErrorCode::invalid_argument,
                        "--" + std::string(kSettings[i].name) + " FILE is required (or " +
                            kSettings[i].env + ", or '" + kSettings[i].name +
                            " = FILE' in a --profile)");
        }
    }
    return ClientSettings{values[0], values[1], values[2], values[3]};
}

}  // namespace tanda::admin
