// pki-internal: reading a token PIN from where a PKCS#11 URI's pin-source says it is.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace tanda::pki {

// The PIN of `pin_source` ("file:/abs/path", or "credential:NAME" for the systemd credential
// $CREDENTIALS_DIRECTORY/NAME), without one trailing newline, in a string the caller cleanses
// (pki/secret_file.hpp). Errors name the source, never the PIN: ErrorCode::not_found when the
// file is missing, config when $CREDENTIALS_DIRECTORY is unset or the PIN is empty.
[[nodiscard]] Result<std::string> read_pin(std::string_view pin_source);

}  // namespace tanda::pki
