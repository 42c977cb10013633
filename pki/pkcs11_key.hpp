// pki-internal: private keys on PKCS#11 tokens, loaded through libp11's OpenSSL engine
// ("pkcs11", Debian's libengine-pkcs11-openssl) as an EVP_PKEY the signing code uses unchanged.
#pragma once

#include "pki/certificate.hpp"
#include "pki/pkcs11_uri.hpp"

namespace tanda::pki {

// Opens the token `uri` names through its module (module-path, or libp11's default, p11-kit's
// proxy), logs in with the PIN its pin-source holds, and returns the private key; the key never
// leaves the token, each signature is a PKCS#11 call. Never prompts for a PIN.
// Errors name uri.text (never the PIN) and carry the PKCS#11 reason from OpenSSL's error queue
// (e.g. "PKCS#11 module:ERR_CKR_error:PIN incorrect").
// Thread-safe. Loads are serialised (libp11's engine holds one PIN per module); signatures with
// the returned key may run on several threads at once: libp11 takes a session per operation from
// a per-slot pool and waits when the token has no session left.
[[nodiscard]] Result<PrivateKey> load_pkcs11_key(const Pkcs11Uri& uri);

}  // namespace tanda::pki
