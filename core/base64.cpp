#include "core/base64.hpp"

#include <array>

namespace tanda {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<signed char, 256> make_table() {
    std::array<signed char, 256> t{};
    for (auto& v : t) v = -1;
    for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<signed char>(i);
    return t;
}
constexpr auto kTable = make_table();

}  // namespace

std::string base64_encode(ByteView bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        unsigned v = std::to_integer<unsigned>(bytes[i]) << 16 |
                     std::to_integer<unsigned>(bytes[i + 1]) << 8 |
                     std::to_integer<unsigned>(bytes[i + 2]);
        for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(v >> s) & 63]);
    }
    if (std::size_t rest = bytes.size() - i) {
        unsigned v = std::to_integer<unsigned>(bytes[i]) << 16;
        if (rest == 2) v |= std::to_integer<unsigned>(bytes[i + 1]) << 8;
        out.push_back(kAlphabet[(v >> 18) & 63]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
        out.push_back(rest == 2 ? kAlphabet[(v >> 6) & 63] : '=');
        out.push_back('=');
    }
    return out;
}

std::optional<Bytes> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    Bytes out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        int v[4];
        int pad = 0;
        for (int j = 0; j < 4; ++j) {
            char c = text[i + j];
            if (c == '=') {
                // Padding only in the last quantum, only in its last two places, and contiguous.
                if (i + 4 != text.size() || j < 2) return std::nullopt;
                ++pad;
                v[j] = 0;
            } else {
                if (pad) return std::nullopt;
                v[j] = kTable[static_cast<unsigned char>(c)];
                if (v[j] < 0) return std::nullopt;
            }
        }
        unsigned bits = unsigned(v[0]) << 18 | unsigned(v[1]) << 12 | unsigned(v[2]) << 6 | unsigned(v[3]);
        out.push_back(std::byte(bits >> 16));
        if (pad < 2) out.push_back(std::byte(bits >> 8));
        if (pad < 1) out.push_back(std::byte(bits));
    }
    return out;
}

}  // namespace tanda
