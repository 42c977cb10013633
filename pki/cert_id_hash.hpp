// pki-internal: the CertID hash algorithms of RFC 6960 4.1.1 mapped to OpenSSL digests.
#pragma once

#include <openssl/evp.h>

#include <optional>

#include "core/bytes.hpp"
#include "pki/certificate.hpp"

namespace tanda::pki {

const EVP_MD* evp_md(HashAlgorithm alg) noexcept;
// nullopt for any digest Tanda does not accept in a CertID (MD5, SHA-224, ...).
std::optional<HashAlgorithm> hash_from_nid(int nid) noexcept;
Bytes digest(HashAlgorithm alg, ByteView data);

}  // namespace tanda::pki
