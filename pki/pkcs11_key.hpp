// pki-internal: private keys on PKCS#11 tokens, loaded through libp11 (Debian's libp11-3) as an
// EVP_PKEY the signing code uses unchanged.
#pragma once

#include "pki/certificate.hpp"
#include "pki/pkcs11_uri.hpp"

namespace tanda::pki {

// Opens the token `uri` names through its module (module-path, or p11-kit's proxy, which loads
// every module registered with p11-kit), logs in with the PIN its pin-source holds, and returns
// the private key; the key never leaves the token, each signature is a PKCS#11 call. Never
// prompts for a PIN. A module is opened once and its slots listed then; later keys on it share
// that opening (its sessions and login) until reopen_pkcs11_module().
// Errors name uri.text (never the PIN) and carry the PKCS#11 reason from OpenSSL's error queue
// (e.g. "PKCS#11 module:ERR_CKR_error:PIN incorrect").
// Thread-safe. Loads are serialised; signatures with the returned key may run on several threads
// at once: libp11 takes a session per operation from a per-slot pool and waits when the token
// has no session left.
[[nodiscard]] Result<PrivateKey> load_pkcs11_key(const Pkcs11Uri& uri);

// After `key`'s token stopped signing: the next load of a key on its module opens the module
// afresh, in a new libp11 context with new sessions and a new login. For modules that give each
// opening its own connection (p11-kit's client, network HSM clients), that is a new connection.
// Keys loaded before go on using the old opening, which is never freed (a few KiB each time).
// False when the module is not open now (already reopened) or `key` is a file.
bool reopen_pkcs11_module(const KeyHandle& key);

}  // namespace tanda::pki
