// pki-internal: BasicOCSPResponse (RFC 6960 4.2.1) written as DER by hand, so a live answer
// costs one signature and a few hundred bytes of copying instead of an OpenSSL object tree.
// Never included outside pki/.
#pragma once

#include <span>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "pki/ocsp_response.hpp"

namespace tanda::pki::detail {

// The parts of every response that depend only on the signer, encoded once.
struct ResponderParts {
    Bytes responder_id;  // [2] EXPLICIT KeyHash: SHA-1 of the signer's subjectPublicKey
    Bytes algorithm;     // signatureAlgorithm AlgorithmIdentifier
    Bytes certs;         // [0] EXPLICIT SEQUENCE OF Certificate, or empty
};

[[nodiscard]] Result<ResponderParts> responder_parts(const Certificate& signer,
                                                     const PrivateKey& key, bool include_cert);

// tbsResponseData. ErrorCode::invalid_argument when a cert_id_der is not one DER SEQUENCE.
[[nodiscard]] Result<Bytes> encode_response_data(ByteView responder_id,
                                                 std::span<const SingleStatus> statuses,
                                                 const ResponseExtras& extras,
                                                 UnixSeconds produced_at);

// OCSPResponse { successful, responseBytes { id-pkix-ocsp-basic, BasicOCSPResponse } }.
Bytes encode_successful_response(ByteView response_data, const ResponderParts& parts,
                                 ByteView signature);

}  // namespace tanda::pki::detail
