// The listener and credentials `tanda admin` uses: --url, --cert, --key, --cacert, else
// TANDA_ADMIN_URL, _CERT, _KEY, _CACERT, else the profile file --profile FILE or
// TANDA_ADMIN_PROFILE names (admin/client_settings.hpp has the rules and the file format).
#pragma once

#include "admin/client_settings.hpp"
#include "cli/args.hpp"
#include "core/result.hpp"

namespace tanda::cli {

// An error when the profile cannot be read or parsed, or a credential is given nowhere.
[[nodiscard]] Result<admin::ClientSettings> admin_connection(const Args& args);

}  // namespace tanda::cli
