// The to-be-signed part of a DER CRL, to compare CRLs whose signatures differ (ECDSA).
#pragma once

#include <openssl/asn1.h>

#include <catch2/catch.hpp>

#include "core/bytes.hpp"

namespace tanda::test {

// The TBSCertList TLV of a DER CRL, found with OpenSSL's header parser.
inline Bytes tbs_of(ByteView der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    long len = 0;
    int tag = 0, cls = 0;
    REQUIRE((ASN1_get_object(&p, &len, &tag, &cls, static_cast<long>(der.size())) & 0x80) == 0);
    const auto* tbs = p;
    REQUIRE((ASN1_get_object(&p, &len, &tag, &cls, len) & 0x80) == 0);
    const auto start =
        static_cast<std::size_t>(tbs - reinterpret_cast<const unsigned char*>(der.data()));
    const auto end =
        static_cast<std::size_t>(p - reinterpret_cast<const unsigned char*>(der.data())) +
        static_cast<std::size_t>(len);
    return Bytes(der.begin() + static_cast<long>(start), der.begin() + static_cast<long>(end));
}

}  // namespace tanda::test
