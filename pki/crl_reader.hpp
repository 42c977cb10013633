// Reads back a CRL this CA signed (e.g. the last one written to disk), without decoding its
// entries: checks issuer and signature and returns what the publisher needs to resume.
#pragma once

#include <cstdint>
#include <optional>

#include "core/bytes.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "pki/crl_builder.hpp"

namespace tanda::pki {

struct CrlInfo {
    std::uint64_t number = 0;                 // cRLNumber
    std::optional<std::uint64_t> delta_base;  // BaseCRLNumber of a delta CRL
    UnixSeconds this_update = 0;
    UnixSeconds next_update = 0;
    std::size_t entries = 0;  // revokedCertificates
};

// ErrorCode::invalid_argument when `der` is not a v2 CRL with a cRLNumber and nextUpdate,
// names another issuer, or its signature does not verify with `signer`'s CA key and algorithm.
[[nodiscard]] Result<CrlInfo> read_crl(ByteView der, const CrlSigner& signer);
// The same for a node without the CA key (a cluster node serving another node's CRLs): the
// issuer and signature are checked against the CA certificate, under whatever signature
// algorithm the CRL names (OpenSSL's X509_CRL_verify).
[[nodiscard]] Result<CrlInfo> read_crl(ByteView der, const Certificate& ca);

}  // namespace tanda::pki
