#include "core/serial.hpp"

#include <algorithm>
#include <cctype>

namespace tanda {

std::string to_hex(ByteView bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (std::byte b : bytes) {
        auto v = std::to_integer<unsigned>(b);
        out.push_back(kDigits[v >> 4]);
        out.push_back(kDigits[v & 0xf]);
    }
    return out;
}

std::optional<Bytes> from_hex(std::string_view hex) {
    std::string digits;
    digits.reserve(hex.size());
    for (char c : hex) {
        if (c != ':') digits.push_back(c);
    }
    if (digits.size() % 2 != 0) return std::nullopt;
    Bytes out(digits.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        int hi = hex_digit_value(digits[2 * i]);
        int lo = hex_digit_value(digits[2 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out[i] = std::byte(hi << 4 | lo);
    }
    return out;
}

Serial Serial::from_magnitude(ByteView big_endian) {
    auto first = std::find_if(big_endian.begin(), big_endian.end(),
                              [](std::byte b) { return b != std::byte{0}; });
    Serial s;
    s.bytes_.assign(first, big_endian.end());
    if (s.bytes_.empty()) s.bytes_.push_back(std::byte{0});
    return s;
}

std::optional<Serial> Serial::from_hex(std::string_view hex) {
    if (hex.empty()) return std::nullopt;
    // Pad by the digit count: ':' separators must not decide the parity ("01:02" is even).
    auto digits = hex.size() - static_cast<std::size_t>(std::count(hex.begin(), hex.end(), ':'));
    std::string padded(digits % 2 ? "0" : "");
    padded.append(hex);
    auto bytes = tanda::from_hex(padded);
    if (!bytes) return std::nullopt;
    Serial s = from_magnitude(*bytes);
    if (s.bytes_.size() > kMaxBytes) return std::nullopt;
    return s;
}

std::string Serial::to_hex() const {
    std::string hex = tanda::to_hex(bytes_);
    std::transform(hex.begin(), hex.end(), hex.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return hex;
}

}  // namespace tanda
