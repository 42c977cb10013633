// RFC 6960 4.1 OCSPRequest decoding into plain values; strict DER, nothing trailing.
#pragma once

#include <optional>
#include <vector>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "core/serial.hpp"
#include "pki/certificate.hpp"

namespace tanda::pki {

struct RequestedCert {
    // nullopt when the CertID names a hash algorithm Tanda does not accept.
    std::optional<HashAlgorithm> hash;
    Bytes name_hash;
    Bytes key_hash;
    Serial serial;
    Bytes cert_id_der;  // the CertID exactly as received, echoed in the response
    friend bool operator==(const RequestedCert&, const RequestedCert&) = default;
};

struct OcspRequest {
    std::vector<RequestedCert> certs;  // at least one
    // RFC 9654: the Nonce extension's value (the octets inside its OCTET STRING), if present.
    std::optional<Bytes> nonce;
    // RFC 6960 4.1.2 optionalSignature present; verify_request_signature() checks it.
    bool is_signed = false;
    friend bool operator==(const OcspRequest&, const OcspRequest&) = default;
};

enum class RequestError {
    malformed,       // not DER, trailing bytes, no CertIDs, bad nonce encoding
    too_many_certs,  // more than max_certs CertIDs
};

struct RequestLimits {
    std::size_t max_certs = 16;
};

// Decodes `der`. A signed request is decoded like an unsigned one and marked is_signed; its
// signature is not checked here (that is the CA's policy: pki/requestor_trust.hpp).
[[nodiscard]] tl::expected<OcspRequest, RequestError> parse_ocsp_request(
    ByteView der, const RequestLimits& limits);

}  // namespace tanda::pki
