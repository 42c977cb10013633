// A zero-allocation recogniser for the most common OCSP request shape, so cached answers can be
// found without a full ASN.1 decode: one CertID, no extensions, no requestor name, no
// signature, default version, strict DER. Anything else goes to parse_ocsp_request().
#pragma once

#include <optional>

#include "core/bytes.hpp"
#include "pki/certificate.hpp"

namespace tanda::pki {

// Views into the scanned buffer; valid as long as it is.
struct SimpleRequestView {
    HashAlgorithm hash = HashAlgorithm::sha1;
    ByteView name_hash;
    ByteView key_hash;
    ByteView serial;       // INTEGER contents: positive, minimal (may start with one 00 byte)
    ByteView cert_id_der;  // the CertID TLV, as echoed in responses
};

// nullopt when `der` is not exactly of the simple shape (which does not mean it is malformed).
std::optional<SimpleRequestView> scan_simple_ocsp_request(ByteView der) noexcept;

}  // namespace tanda::pki
