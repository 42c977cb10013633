// A zero-allocation recogniser for the most common OCSP request shapes, so cached answers can be
// found, and nonce requests signed, without a full ASN.1 decode: one CertID, no extensions but
// an optional nonce (RFC 9654), no requestor name, no signature, default version, strict DER.
// Anything else goes to parse_ocsp_request().
#pragma once

#include <optional>

#include "core/bytes.hpp"
#include "pki/certificate.hpp"
#include "pki/ocsp_request.hpp"

namespace tanda::pki {

// Views into the scanned buffer; valid as long as it is.
struct SimpleRequestView {
    HashAlgorithm hash = HashAlgorithm::sha1;
    ByteView name_hash;
    ByteView key_hash;
    ByteView serial;       // INTEGER contents: positive, minimal (may start with one 00 byte)
    ByteView cert_id_der;  // the CertID TLV, as echoed in responses
    // The request's only extension, the nonce: the octets inside its inner OCTET STRING.
    std::optional<ByteView> nonce;
};

// nullopt when `der` is not exactly of the simple shape (which does not mean it is malformed).
std::optional<SimpleRequestView> scan_simple_ocsp_request(ByteView der) noexcept;

// The request parse_ocsp_request() makes of the same bytes (the fuzz target checks they agree).
OcspRequest to_request(const SimpleRequestView& view);

}  // namespace tanda::pki
