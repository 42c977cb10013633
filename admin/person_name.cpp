#include "admin/person_name.hpp"

namespace tanda::admin {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

char fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::optional<std::string> normalise_name(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool gap = false;
    for (char c : text) {
        if (is_space(c)) {
            gap = !out.empty();
            continue;
        }
        if (gap) out += ' ';
        gap = false;
        out += c;
    }
    if (out.empty()) return std::nullopt;
    return out;
}

bool same_name(std::string_view a, std::string_view b) {
    auto na = normalise_name(a), nb = normalise_name(b);
    if (!na || !nb || na->size() != nb->size()) return na == nb;
    for (std::size_t i = 0; i < na->size(); ++i) {
        if (fold((*na)[i]) != fold((*nb)[i])) return false;
    }
    return true;
}

}  // namespace tanda::admin
