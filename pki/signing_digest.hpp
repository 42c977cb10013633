// pki-internal: which digest an OCSP signature uses for a given key, and which keys may sign.
#pragma once

#include <openssl/evp.h>

#include "core/result.hpp"
#include "pki/certificate.hpp"

namespace tanda::pki {

// SHA-256 for RSA (2048 bits or more) and ECDSA P-256, SHA-384 for P-384, SHA-512 for P-521,
// nullptr (pure signature) for Ed25519/Ed448. ErrorCode::config for any other key.
[[nodiscard]] Result<const EVP_MD*> signing_digest(const PrivateKey& key);
// The DER AlgorithmIdentifier of the signatures this key makes with signing_digest(), as OCSP
// responses and CRLs carry it.
[[nodiscard]] Result<Bytes> signature_algorithm_der(const PrivateKey& key);
// Sets RSASSA-PSS (MGF1 with SHA-256, a 32-byte salt) on a signing or verifying context of an
// RSA key when `pss`; does nothing otherwise. False when OpenSSL refuses the parameters (an
// RSA-PSS key whose own parameters forbid them).
[[nodiscard]] bool set_signature_padding(EVP_PKEY_CTX* ctx, bool pss);

}  // namespace tanda::pki
