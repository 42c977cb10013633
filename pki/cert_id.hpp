// RFC 6960 4.1.1 CertID encoding, for answers Tanda prepares before anyone asks (pre-signing).
#pragma once

#include "core/bytes.hpp"
#include "core/serial.hpp"
#include "pki/certificate.hpp"

namespace tanda::pki {

// CertID { hashAlgorithm (with NULL parameters, as OpenSSL and most clients send it),
// issuerNameHash, issuerKeyHash, serialNumber } for a certificate `issuer` issued.
Bytes encode_cert_id(HashAlgorithm alg, const Certificate& issuer, const Serial& serial);

}  // namespace tanda::pki
