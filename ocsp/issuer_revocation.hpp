// A served CA whose own certificate is revoked by a served parent takes the certificates it
// issued with it (ca issuer_revocation: inherit): they answer revoked from the CA's revocation
// time, as EJBCA and XiPKI do. RFC 6960 leaves this to policy; CRLs are unchanged.
#pragma once

#include <optional>

#include "ca/ca_registry.hpp"
#include "core/result.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::ocsp {

struct Revocation {
    UnixSeconds revoked_at = 0;
    Reason reason = Reason::unspecified;
    std::optional<UnixSeconds> invalidity_date;

    bool on_hold() const { return reason == Reason::certificate_hold; }
};

// Which of two revocations of one certificate an answer states: a final revocation before a
// hold (a hold may be released), then the earlier one (a signature made after it is invalid).
const Revocation& prevailing(const Revocation& a, const Revocation& b);

// The reason the certificates issued by a CA are given when the CA's certificate is revoked
// for `ca_reason`: cACompromise unless the operator gave a reason that says otherwise
// (superseded, cessationOfOperation, affiliationChanged, privilegeWithdrawn, certificateHold).
Reason reason_for_issued(Reason ca_reason);

// The revocation `ca`'s issued certificates inherit from its own certificate or a served
// ancestor's: nullopt when none is revoked or the CA's policy is ignore. Reads the index.
[[nodiscard]] Result<std::optional<Revocation>> inherited_revocation(
    const ca::ServedCa& ca, const storage::RevocationIndex& index);

}  // namespace tanda::ocsp
