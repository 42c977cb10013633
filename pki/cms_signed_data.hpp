// CMS SignedData (RFC 5652) with the content embedded, over OpenSSL's CMS_sign / CMS_verify:
// journal checkpoints are signed this way so that `openssl cms -verify` can check them without
// Tanda. No OpenSSL type in this header.
#pragma once

#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/result.hpp"
#include "pki/certificate.hpp"

namespace tanda::pki {

// DER SignedData of `content` (taken as binary: no MIME canonicalisation), signed by `key`
// with `signer` included; SHA-256 digest. ErrorCode::crypto when the key does not match the
// certificate or libcrypto fails. Thread-safe.
[[nodiscard]] Result<Bytes> cms_sign(std::string_view content, const Certificate& signer,
                                     const PrivateKey& key);

// The embedded content of `signed_data` (DER, or PEM "-----BEGIN CMS-----") once its
// signature verifies with exactly `signer`'s public key: the certificates the SignedData carries
// are ignored and no chain is built, so only the pinned certificate is trusted. ErrorCode::crypto
// for a bad signature or another signer, invalid_argument for bytes that are not a SignedData.
[[nodiscard]] Result<std::string> cms_verify(ByteView signed_data, const Certificate& signer);

}  // namespace tanda::pki
