// The cRLNumber (RFC 5280 5.2.3) of a CRL some other tool signed for a CA, e.g. the last CRL
// `openssl ca -gencrl` wrote before the CA moved to Tanda. Decoded by OpenSSL, PEM or DER.
#pragma once

#include <cstdint>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "pki/certificate.hpp"

namespace tanda::pki {

// The CRL's number, after checking that `issuer` issued it (its name and a signature that
// verifies with its key). ErrorCode::invalid_argument when it is not a CRL, names another
// issuer, does not verify, has no cRLNumber, or a number above 2^64-1.
[[nodiscard]] Result<std::uint64_t> read_crl_number(ByteView data, const Certificate& issuer);
// The DER of a CRL given as PEM or DER (what an offline CA hands over), unchecked.
// ErrorCode::invalid_argument when it is neither.
[[nodiscard]] Result<Bytes> crl_der(ByteView data);

}  // namespace tanda::pki
