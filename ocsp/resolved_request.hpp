// An OCSP request resolved once: decoded (the scanner for the common shapes, the full parser
// otherwise), matched against one snapshot of the served CAs and checked against its CA's
// request policy. The answer cache, the signing pool and live signing all read this; nothing
// decodes the request or looks its CA up again.
#pragma once

#include <memory>
#include <optional>

#include <boost/container/small_vector.hpp>
#include <tl/expected.hpp>

#include "ca/ca_registry.hpp"
#include "core/bytes.hpp"
#include "ocsp/response_content.hpp"

namespace tanda::ocsp {

// One CertID, as views.
struct RequestedCertId {
    ByteView serial;       // the magnitude, perhaps after a DER sign byte (Serial strips it)
    ByteView cert_id_der;  // the CertID as received, echoed in the response
};

struct ResolvedRequest {
    std::shared_ptr<const ca::CaRegistry> cas;  // the snapshot taken for this request
    const ca::ServedCa* ca = nullptr;           // the one CA every CertID names; never null
    boost::container::small_vector<RequestedCertId, 1> certs;  // at least one
    // The nonce to echo (RFC 9654), within the CA's accepted lengths. Unset when there was
    // none or the CA ignores nonces.
    std::optional<ByteView> nonce;
    // Owns the bytes the views point into, when they are not the caller's request buffer.
    std::shared_ptr<const void> owner;

    // Everyone asking gets the same answer (one CertID, no nonce to echo): it may be cached.
    bool shareable() const { return certs.size() == 1 && !nonce; }
    // The same request with views into bytes it owns, for work that outlives the caller's
    // buffer (signing on a pool thread, a background refresh).
    ResolvedRequest detached() const;
};

// Resolves `der` against `cas`. The error is the answer's outcome: malformed (not one OCSP
// request, a CertID hash we do not accept, more CertIDs than the CA allows, a nonce outside its
// accepted lengths, no nonce where the CA requires one), sig_required (an unsigned request where
// the CA requires signed ones) or unauthorized (a CA we do not serve, CertIDs of two CAs: one
// response has one signer, RFC 6960 4.2.2.2; a request signature the CA checks and refuses:
// it does not verify or its signer is not a trusted requestor). Views point into `der`.
tl::expected<ResolvedRequest, Outcome> resolve_request(ByteView der,
                                                       std::shared_ptr<const ca::CaRegistry> cas);

}  // namespace tanda::ocsp
