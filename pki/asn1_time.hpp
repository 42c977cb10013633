// ASN1_TIME to Unix seconds, for the pki files that read times out of OpenSSL objects.
// pki-internal: includes OpenSSL.
#pragma once

#include <openssl/asn1.h>

#include "core/clock.hpp"

namespace tanda::pki {

// 0 for a null or unreadable time.
UnixSeconds to_unix(const ASN1_TIME* t);

}  // namespace tanda::pki
