// RFC 6960 A.1 / RFC 5019 5: the OCSP request inside a GET URL, decoded as tolerantly as real
// clients need and no further.
#pragma once

#include <optional>
#include <string_view>

#include "core/bytes.hpp"

namespace tanda::ocsp {

// `encoded` is the path after the route prefix (leading slashes allowed: "//MEQw..." from
// clients that join a base URL ending in '/'). Accepts percent-escapes (%2F, %2B, %3D, any
// case), '+' that arrived as a space, base64url ('-', '_'), missing '=' padding, and line
// breaks some clients leave in long base64. Returns the DER, or nullopt when it is not base64.
std::optional<Bytes> decode_ocsp_get_path(std::string_view encoded);

}  // namespace tanda::ocsp
