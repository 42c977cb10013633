// RFC 5280 5.3.1 revocation reasons, shared by storage, pki and the APIs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>


namespace tanda {

// Values are the RFC 5280 CRLReason codes; 7 is unused by the RFC.
enum class Reason : std::uint8_t {
    unspecified = 0,
    key_compromise = 1,
    ca_compromise = 2,
    affiliation_changed = 3,
    superseded = 4,
    cessation_of_operation = 5,
    certificate_hold = 6,
    remove_from_crl = 8,
    privilege_withdrawn = 9,
    aa_compromise = 10,
};

// RFC 5280 ASN.1 names: "keyCompromise", "certificateHold", ...
std::string_view reason_name(Reason reason) noexcept;
// Accepts the RFC names case-insensitively and snake_case ("key_compromise"); nullopt otherwise.
std::optional<Reason> reason_from_name(std::string_view name) noexcept;
// nullopt for 7 and values above 10.
std::optional<Reason> reason_from_code(unsigned code) noexcept;

}  // namespace tanda
