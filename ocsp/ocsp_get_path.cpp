#include "ocsp/ocsp_get_path.hpp"

#include <string>

#include "core/base64.hpp"

namespace tanda::ocsp {
std::optional<Bytes> decode_ocsp_get_path(std::string_view encoded) {
    while (!encoded.empty() && encoded.front() == '/') encoded.remove_prefix(1);
    std::string text;
    text.reserve(encoded.size() + 3);
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        char c = encoded[i];
        if (c == '%') {
            if (i + 2 >= encoded.size()) return std::nullopt;
            int hi = hex_digit_value(encoded[i + 1]), lo = hex_digit_value(encoded[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            c = static_cast<char>(hi << 4 | lo);
            i += 2;
        }
        switch (c) {
            case ' ': text.push_back('+'); break;  // '+' decoded as a space by a form decoder
            case '-': text.push_back('+'); break;  // base64url
            case '_': text.push_back('/'); break;  // base64url
            case '\r':
            case '\n': break;
            default: text.push_back(c);
        }
    }
    if (text.empty()) return std::nullopt;
    switch (text.size() % 4) {
        case 1: return std::nullopt;
        case 2: text.append("=="); break;
        case 3: text.push_back('='); break;
        default: break;
    }
    return base64_decode(text);
}

}  // namespace tanda::ocsp
