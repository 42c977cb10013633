#include "config/text_rules.hpp"

#include <algorithm>

#include "core/bytes.hpp"

namespace tanda::config {
namespace {

// Locale-free ASCII classes: std::isalnum and friends depend on the C locale.
bool lower_or_digit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool letter_or_digit(char c) { return letter(c) || (c >= '0' && c <= '9'); }
bool unreserved(char c) {
    return letter_or_digit(c) || c == '.' || c == '_' || c == '~' || c == '-';
}
bool whitespace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

}  // namespace

bool is_ca_name(std::string_view s) {
    return !s.empty() && s.size() <= 63 && lower_or_digit(s.front()) &&
           std::all_of(s.begin(), s.end(),
                       [](char c) { return lower_or_digit(c) || c == '_' || c == '-'; });
}

bool is_path_prefix(std::string_view s) {
    if (s.empty() || s.front() != '/' || s.back() == '/') return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '/') {
            if (i + 1 < s.size() && s[i + 1] == '/') return false;  // an empty segment
        } else if (!unreserved(s[i])) {
            return false;
        }
    }
    return true;
}

bool is_hex_digits(std::string_view s, std::size_t count) {
    return s.size() == count &&
           std::all_of(s.begin(), s.end(), [](char c) { return hex_digit_value(c) >= 0; });
}

bool is_uri(std::string_view s) {
    const auto sep = s.find("://");
    if (sep == std::string_view::npos || sep == 0 || !letter(s.front())) return false;
    const auto scheme = s.substr(0, sep);
    const auto rest = s.substr(sep + 3);
    return std::all_of(
               scheme.begin(), scheme.end(),
               [](char c) { return letter_or_digit(c) || c == '+' || c == '.' || c == '-'; }) &&
           !rest.empty() && std::none_of(rest.begin(), rest.end(), whitespace);
}

}  // namespace tanda::config
