// Byte buffers as the rest of Tanda sees them: DER, hashes and serials never leave pki/ or
// storage/ as library types, only as these.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tanda {

using Bytes = std::vector<std::byte>;
using ByteView = std::span<const std::byte>;

inline ByteView as_bytes(std::string_view s) {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}
inline std::string_view as_chars(ByteView b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline Bytes to_bytes(std::string_view s) {
    auto v = as_bytes(s);
    return Bytes(v.begin(), v.end());
}

// The value of one hex digit of either case, or -1 for any other character (locale-free).
constexpr int hex_digit_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Lower-case hex, two digits per byte.
std::string to_hex(ByteView bytes);
// Accepts upper or lower case, optional ':' separators; nullopt on odd length or a bad digit.
std::optional<Bytes> from_hex(std::string_view hex);

}  // namespace tanda
