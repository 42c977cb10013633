#include "ocsp/single_status.hpp"

namespace tanda::ocsp {

DecidedStatus decide_status(const ca::ServedCa& ca, ByteView cert_id_der,
                            const std::optional<CertRecord>& record, UnixSeconds now) {
    const ca::CaOptions& o = ca.options;
    DecidedStatus d;
    pki::SingleStatus& s = d.status;
    s.cert_id_der = cert_id_der;
    // thisUpdate is backdated for relying parties with slow clocks; nextUpdate counts from now.
    s.this_update = now - o.backdate.count();
    s.next_update = now + o.response_validity.count();

    if (!record) {
        if (o.unknown_serials == ca::UnknownSerialPolicy::revoked) {
            // RFC 6960 2.2: never issued -> revoked, certificateHold, 1970-01-01T00:00:00Z.
            s.kind = pki::SingleStatusKind::revoked;
            s.revoked_at = 0;
            s.reason = Reason::certificate_hold;
            d.outcome = Outcome::revoked;
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
    if (record->state == CertState::revoked) {
        s.kind = pki::SingleStatusKind::revoked;
        s.revoked_at = record->revoked_at;
        // As in CRLs (RFC 5280 5.3.1), unspecified is expressed by omitting the reason.
        if (record->reason != Reason::unspecified) s.reason = record->reason;
        s.invalidity_date = record->invalidity_date;
        d.outcome = Outcome::revoked;
    } else {
        s.kind = pki::SingleStatusKind::good;
        d.outcome = Outcome::good;
    }
    return d;
}

}  // namespace tanda::ocsp
