// The per-certificate decision of RFC 6960 4.2.1 under a CA's policies: good only for what is
// known to be issued, revoked with time and reason, unknown (or revoked, RFC 6960 2.2) otherwise.
#pragma once

#include <optional>

#include "ca/ca_registry.hpp"
#include "core/cert_record.hpp"
#include "ocsp/issuer_revocation.hpp"
#include "ocsp/response_content.hpp"
#include "pki/ocsp_response.hpp"

namespace tanda::ocsp {

struct DecidedStatus {
    pki::SingleStatus status;      // cert_id_der views into the caller's `cert_id_der`
    Outcome outcome = Outcome::unknown;
    bool extended_revoke = false;  // the response must carry the extended-revoke extension
};

// `record` is what storage holds for the serial (nullopt: never seen issued); `inherited` is the
// revocation of the CA's own certificate, when it passes to what the CA issued
// (inherited_revocation). Pure function.
DecidedStatus decide_status(const ca::ServedCa& ca, ByteView cert_id_der,
                            const std::optional<CertRecord>& record,
                            const std::optional<Revocation>& inherited, UnixSeconds now);

}  // namespace tanda::ocsp
