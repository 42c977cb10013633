// What Tanda records about one certificate of one issuer: the value storage keeps and the
// responder turns into an OCSP status.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/revocation_reason.hpp"

namespace tanda {

enum class CertState : std::uint8_t {
    issued = 1,   // known to be issued and not revoked: OCSP good
    revoked = 2,  // revoked; reason certificate_hold means on hold (can be released)
};

// What Tanda knows about one certificate of one issuer.
struct CertRecord {
    CertState state = CertState::issued;
    UnixSeconds revoked_at = 0;                 // meaningful when revoked
    Reason reason = Reason::unspecified;        // meaningful when revoked
    std::optional<UnixSeconds> invalidity_date; // RFC 5280 5.3.2, when known
    UnixSeconds not_after = 0;                  // 0 when unknown
    std::string subject;                        // subject DN as text (RFC 4514 or OpenSSL oneline)
    std::uint64_t last_seq = 0;                 // journal seq of the entry that wrote this record

    bool on_hold() const { return state == CertState::revoked && reason == Reason::certificate_hold; }
    // Equal in everything a journal entry sets (last_seq excluded).
    bool same_content(const CertRecord& o) const {
        return state == o.state && revoked_at == o.revoked_at && reason == o.reason &&
               invalidity_date == o.invalidity_date && not_after == o.not_after &&
               subject == o.subject;
    }
};

}  // namespace tanda
