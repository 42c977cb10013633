#include "core/revocation_reason.hpp"

#include <array>
#include <cctype>
#include <utility>

namespace tanda {
namespace {

constexpr std::array<std::pair<Reason, std::string_view>, 10> kNames{{
    {Reason::unspecified, "unspecified"},
    {Reason::key_compromise, "keyCompromise"},
    {Reason::ca_compromise, "cACompromise"},
    {Reason::affiliation_changed, "affiliationChanged"},
    {Reason::superseded, "superseded"},
    {Reason::cessation_of_operation, "cessationOfOperation"},
    {Reason::certificate_hold, "certificateHold"},
    {Reason::remove_from_crl, "removeFromCRL"},
    {Reason::privilege_withdrawn, "privilegeWithdrawn"},
    {Reason::aa_compromise, "aACompromise"},
}};

// Lower-case letters only, so "keyCompromise", "KeyCompromise" and "key_compromise" compare equal.
std::string fold(std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
        if (c != '_' && c != '-') out.push_back(static_cast<char>(std::tolower(c)));
    }
    return out;
}

}  // namespace

std::string_view reason_name(Reason reason) noexcept {
    for (const auto& [r, name] : kNames) {
        if (r == reason) return name;
    }
    return "unspecified";
}

std::optional<Reason> reason_from_name(std::string_view name) noexcept {
    std::string folded = fold(name);
    for (const auto& [r, n] : kNames) {
        if (fold(n) == folded) return r;
    }
    return std::nullopt;
}

std::optional<Reason> reason_from_code(unsigned code) noexcept {
    for (const auto& [r, name] : kNames) {
        if (static_cast<unsigned>(r) == code) return r;
    }
    return std::nullopt;
}

}  // namespace tanda
