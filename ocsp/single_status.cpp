#include "ocsp/single_status.hpp"

namespace tanda::ocsp {
namespace {

void state_revoked(DecidedStatus& d, const Revocation& r) {
    pki::SingleStatus& s = d.status;
    s.kind = pki::SingleStatusKind::revoked;
    s.revoked_at = r.revoked_at;
    // As in CRLs (RFC 5280 5.3.1), unspecified is expressed by omitting the reason.
    if (r.reason != Reason::unspecified) s.reason = r.reason;
    s.invalidity_date = r.invalidity_date;
    d.outcome = Outcome::revoked;
}

// The certificate's own revocation, or its CA's when that one prevails; nullopt: good.
std::optional<Revocation> stated_revocation(const CertRecord& record,
                                            const std::optional<Revocation>& inherited) {
    std::optional<Revocation> own;
    if (record.state == CertState::revoked) {
        own = Revocation{record.revoked_at, record.reason, record.invalidity_date};
    }
    if (!inherited) return own;
    if (!own) return inherited;
    Revocation stated = prevailing(*own, *inherited);
    // When the key was known to be compromised stays true under the CA's revocation.
    if (!stated.invalidity_date) stated.invalidity_date = own->invalidity_date;
    return stated;
}

}  // namespace

DecidedStatus decide_status(const ca::ServedCa& ca, ByteView cert_id_der,
                            const std::optional<CertRecord>& record,
                            const std::optional<Revocation>& inherited, UnixSeconds now) {
    const ca::CaOptions& o = ca.options;
    DecidedStatus d;
    pki::SingleStatus& s = d.status;
    s.cert_id_der = cert_id_der;
    // thisUpdate is backdated for relying parties with slow clocks; nextUpdate counts from now.
    s.this_update = now - o.backdate.count();
    s.next_update = now + o.response_validity.count();

    if (!record) {
        // RFC 6960 2.2: never issued -> revoked, certificateHold, 1970-01-01T00:00:00Z; the only
        // form a revoked answer for such a serial may take. A revoked CA's key may have signed
        // certificates it never recorded, so under one this answer is given whatever the policy.
        if (o.unknown_serials == ca::UnknownSerialPolicy::revoked || inherited) {
            state_revoked(d, Revocation{0, Reason::certificate_hold, std::nullopt});
            d.extended_revoke = true;
        } else {
            s.kind = pki::SingleStatusKind::unknown;
            d.outcome = Outcome::unknown;
        }
        return d;
    }

    const bool expired = record->not_after != 0 && record->not_after < now;
    if (expired) {
        if (o.expired == ca::ExpiredPolicy::unknown) {
            s.kind = pki::SingleStatusKind::unknown;
            d.outcome = Outcome::unknown;
            return d;
        }
        // RFC 6960 4.4.4: status is retained past expiry; tell how far back it reaches.
        s.archive_cutoff = o.archive_retention ? now - o.archive_retention->count()
                                               : ca.issuer.not_before();
    }
    if (auto revocation = stated_revocation(*record, inherited)) {
        state_revoked(d, *revocation);
    } else {
        s.kind = pki::SingleStatusKind::good;
        d.outcome = Outcome::good;
    }
    return d;
}

}  // namespace tanda::ocsp
