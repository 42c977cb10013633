#include "ocsp/resolved_request.hpp"

#include "pki/ocsp_request.hpp"
#include "pki/ocsp_request_scan.hpp"
#include "pki/requestor_trust.hpp"

namespace tanda::ocsp {
namespace {

using Resolved = tl::expected<ResolvedRequest, Outcome>;

// The CA's request policy: how many CertIDs, and what its nonce policy makes of `nonce`.
Resolved apply_policy(ResolvedRequest r, std::optional<ByteView> nonce) {
    const ca::CaOptions& policy = r.ca->options;
    if (r.certs.size() > policy.max_certids) return tl::unexpected(Outcome::malformed);
    if (policy.nonce_policy == ca::NoncePolicy::ignore) return r;
    if (!nonce) {
        if (policy.nonce_policy == ca::NoncePolicy::require) {
            return tl::unexpected(Outcome::malformed);
        }
        return r;
    }
    // RFC 9654 2.1: a nonce outside the accepted lengths is refused, not ignored.
    if (nonce->size() < policy.nonce_min_length || nonce->size() > policy.nonce_max_length) {
        return tl::unexpected(Outcome::malformed);
    }
    r.nonce = nonce;
    return r;
}

// RFC 6960 4.1.2 and 4.2.1: the CA's policy for signed requests. Runs before any cache lookup,
// so a cached answer is never served to a request this would refuse.
std::optional<Outcome> refuse_by_signature(const ca::ServedCa& ca, ByteView der, bool is_signed) {
    const ca::RequestOptions& policy = ca.options.requests;
    const bool required = policy.signature == ca::RequestSignaturePolicy::required;
    if (!is_signed) {
        if (required) return Outcome::sig_required;
        return std::nullopt;
    }
    // A signature nobody asked for is not checked: the request is answered as if unsigned.
    if (!required && !ca.requestors) return std::nullopt;
    const pki::RequestorTrust* trust = ca.requestors ? &*ca.requestors : nullptr;
    // Decoded a second time, by OpenSSL's verifier: only signed requests pay for it.
    if (!pki::verify_request_signature(der, trust)) return Outcome::unauthorized;
    return std::nullopt;
}

Resolved resolve_parsed(ByteView der, std::shared_ptr<const ca::CaRegistry> cas) {
    auto parsed = pki::parse_ocsp_request(der, {cas->max_certids()});
    if (!parsed) return tl::unexpected(Outcome::malformed);
    auto request = std::make_shared<const pki::OcspRequest>(std::move(*parsed));
    ResolvedRequest r;
    for (const auto& cert : request->certs) {
        // A hash algorithm we do not accept cannot be matched: the request is malformed for us.
        if (!cert.hash) return tl::unexpected(Outcome::malformed);
        const ca::ServedCa* match = cas->find(*cert.hash, cert.name_hash, cert.key_hash);
        if (!match || (r.ca && match != r.ca)) return tl::unexpected(Outcome::unauthorized);
        r.ca = match;
        r.certs.push_back({cert.serial.bytes(), cert.cert_id_der});
    }
    if (auto refused = refuse_by_signature(*r.ca, der, request->is_signed)) {
        return tl::unexpected(*refused);
    }
    std::optional<ByteView> nonce;
    if (request->nonce) nonce = ByteView(*request->nonce);
    r.cas = std::move(cas);
    r.owner = request;
    return apply_policy(std::move(r), nonce);
}

}  // namespace

Resolved resolve_request(ByteView der, std::shared_ptr<const ca::CaRegistry> cas) {
    // The common shapes (one CertID, perhaps a nonce) are read without OpenSSL's decoder and
    // without copying: the views point into `der`.
    auto view = pki::scan_simple_ocsp_request(der);
    if (!view) return resolve_parsed(der, std::move(cas));
    ResolvedRequest r;
    r.ca = cas->find(view->hash, view->name_hash, view->key_hash);
    if (r.ca == nullptr) return tl::unexpected(Outcome::unauthorized);
    // The scanner accepts only unsigned requests.
    if (auto refused = refuse_by_signature(*r.ca, der, false)) return tl::unexpected(*refused);
    r.certs.push_back({view->serial, view->cert_id_der});
    r.cas = std::move(cas);
    return apply_policy(std::move(r), view->nonce);
}

ResolvedRequest ResolvedRequest::detached() const {
    std::size_t size = nonce ? nonce->size() : 0;
    for (const auto& c : certs) size += c.serial.size() + c.cert_id_der.size();
    auto bytes = std::make_shared<Bytes>();
    bytes->reserve(size);  // no reallocation below: the views stay valid
    auto keep = [&bytes](ByteView v) {
        const std::size_t at = bytes->size();
        bytes->insert(bytes->end(), v.begin(), v.end());
        return ByteView(*bytes).subspan(at, v.size());
    };
    ResolvedRequest copy;
    copy.cas = cas;
    copy.ca = ca;
    for (const auto& c : certs) copy.certs.push_back({keep(c.serial), keep(c.cert_id_der)});
    if (nonce) copy.nonce = keep(*nonce);
    copy.owner = std::move(bytes);
    return copy;
}

}  // namespace tanda::ocsp
