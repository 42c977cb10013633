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

// Lower-case hex, two digits per byte.
std::string to_hex(ByteView bytes);
// Accepts upper or lower case, optional ':' separators; nullopt on odd length or a bad digit.
std::optional<Bytes> from_hex(std::string_view hex);

}  // namespace tanda
