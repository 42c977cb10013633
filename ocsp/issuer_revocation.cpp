#include "ocsp/issuer_revocation.hpp"

namespace tanda::ocsp {

const Revocation& prevailing(const Revocation& a, const Revocation& b) {
    if (a.on_hold() != b.on_hold()) return a.on_hold() ? b : a;
    return b.revoked_at < a.revoked_at ? b : a;
}

Reason reason_for_issued(Reason ca_reason) {
    switch (ca_reason) {
        case Reason::affiliation_changed:
        case Reason::superseded:
        case Reason::cessation_of_operation:
        case Reason::certificate_hold:
        case Reason::privilege_withdrawn:
            return ca_reason;
        default:  // unspecified, keyCompromise, cACompromise, aACompromise: the CA key is suspect
            return Reason::ca_compromise;
    }
}

Result<std::optional<Revocation>> inherited_revocation(const ca::ServedCa& ca,
                                                       const storage::RevocationIndex& index) {
    std::optional<Revocation> found;
    if (ca.options.issuer_revocation != ca::IssuerRevocationPolicy::inherit) return found;
    for (const auto& link : ca.ancestry) {
        auto record = index.find(link.issuer_id, link.serial);
        if (!record) return tl::unexpected(record.error());
        if (!*record || (*record)->state != CertState::revoked) continue;
        // The invalidity date is the CA's, not the issued certificate's: not inherited.
        Revocation r{(*record)->revoked_at, reason_for_issued((*record)->reason), std::nullopt};
        found = found ? prevailing(*found, r) : r;
    }
    return found;
}

}  // namespace tanda::ocsp
