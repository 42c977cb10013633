// Base64 (RFC 4648 section 4) for OCSP GET requests and the admin API.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.hpp"

namespace tanda {

std::string base64_encode(ByteView bytes);
// Strict: standard alphabet, padding required (length a multiple of 4), no whitespace.
std::optional<Bytes> base64_decode(std::string_view text);

}  // namespace tanda
