// Where `tanda admin` finds the listener and the caller's credentials, so the four connection
// flags need not be repeated on every call: flags first, then TANDA_ADMIN_URL, _CERT, _KEY and
// _CACERT, then a profile file.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace tanda::admin {

inline constexpr const char* kDefaultAdminUrl = "https://127.0.0.1:8443";

// What one source says; each value absent when that source does not set it.
struct PartialClientSettings {
    std::optional<std::string> url, cert, key, cacert;
};

// Complete settings: cert, key and cacert are file paths, url defaults to kDefaultAdminUrl.
struct ClientSettings {
    std::string url, cert, key, cacert;
};

// A profile file: one `name = value` per line for url, cert, key and cacert; blank lines and
// lines starting with '#' are skipped; spaces around name and value are dropped. A relative
// path is taken relative to the profile's directory (`path`'s), so a profile can sit next to
// the files it names. An unknown name, a name given twice or a line without '=' is an error
// "PATH:LINE: ...".
[[nodiscard]] Result<PartialClientSettings> parse_client_profile(std::string_view text,
                                                                 const std::string& path);

// TANDA_ADMIN_URL, TANDA_ADMIN_CERT, TANDA_ADMIN_KEY, TANDA_ADMIN_CACERT through `getenv` (the
// real one in the CLI); an empty variable counts as unset.
PartialClientSettings client_settings_from_env(
    const std::function<const char*(const char*)>& getenv);

// Each value from the first source that has it: flags, then environment, then profile. An error
// names the first of cert, key, cacert that no source gives, and every way to give it.
[[nodiscard]] Result<ClientSettings> merge_client_settings(const PartialClientSettings& flags,
                                                           const PartialClientSettings& env,
                                                           const PartialClientSettings& profile);

}  // namespace tanda::admin
