// The revokedCertificates of a CRL signed elsewhere (an offline CA's, imported): serial,
// revocation date, reason and invalidity date of each entry. Read only after read_crl() has
// checked the CRL's issuer and signature.
#pragma once

#include <optional>
#include <vector>

#include "core/bytes.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/revocation_reason.hpp"
#include "core/serial.hpp"

namespace tanda::pki {

// An entry as read back (pki::CrlEntry is the one the builder writes).
struct ReadCrlEntry {
    Serial serial;
    UnixSeconds revoked_at = 0;
    std::optional<Reason> reason;  // absent: unspecified (RFC 5280 5.3.1)
    std::optional<UnixSeconds> invalidity_date;
};

// ErrorCode::invalid_argument for a CRL OpenSSL cannot decode; a critical extension (of the
// CRL or an entry) not processed here (RFC 5280 5.2, 5.3: such a CRL must not be used); a CRL
// of partial scope (issuingDistributionPoint onlyContains..., onlySomeReasons, indirectCRL);
// an entry with a negative, empty or over-long serial, no readable revocationDate, a reason
// code RFC 5280 does not define, or another certificate issuer (indirect CRL, 5.3.3).
[[nodiscard]] Result<std::vector<ReadCrlEntry>> read_crl_entries(ByteView der);

}  // namespace tanda::pki
