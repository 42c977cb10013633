// Imports a CRL that an offline CA signed (crl.source: import): Tanda never holds that CA's key,
// so the CRL is checked, its revocations become journal entries (so OCSP agrees with it), and
// it is installed in the state directory as it is, for CrlService to serve (ImportedCrls).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ca/ca_registry.hpp"
#include "core/result.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::crl {

// How far thisUpdate may be ahead of this machine's clock (the CA's clock may run fast).
inline constexpr UnixSeconds kImportClockSkew = 300;

// <directory>/<ca>.crl, or <ca>-delta.crl: where a CA's CRLs are written and served from.
std::string crl_file_path(const std::string& directory, const std::string& ca, bool delta);

struct CrlImport {
    std::uint64_t number = 0;
    std::optional<std::uint64_t> delta_base;  // set for a delta CRL
    UnixSeconds this_update = 0;
    UnixSeconds next_update = 0;
    std::size_t entries = 0;       // revokedCertificates
    std::size_t revoked = 0;       // records revoked or put on hold (one journal entry each)
    std::size_t released = 0;      // holds lifted (removeFromCRL, or gone from a complete CRL)
    std::size_t unchanged = 0;     // already recorded so, or revoked before (never undone)
    std::size_t kept_expired = 0;  // holds gone from a complete CRL after notAfter: kept
    std::string path;              // the installed file
};

// Checks `der` and, when it passes, records and installs it:
// - a v2 CRL of `ca` (issuer and signature checked with the CA certificate);
// - its number above every number of the CA known (the counter, the CRLs on disk);
// - thisUpdate at most kImportClockSkew ahead of `now`, nextUpdate after thisUpdate and `now`;
// - a delta CRL's base not newer than the complete CRL on disk.
// Entries are merged like every import (storage::merge_import: a revocation is never undone);
// removeFromCRL (delta CRLs) lifts a hold; a hold missing from a complete CRL is lifted unless
// the certificate expired before its thisUpdate. The journal entries carry `why` with the
// CRL's SHA-256 as evidence. Refusals are ErrorCode::invalid_argument (the CRL itself) or
// ErrorCode::conflict (its number or base against what is known); nothing is written then.
[[nodiscard]] Result<CrlImport> import_crl(const ca::ServedCa& ca, storage::RevocationIndex& index,
                                           const std::string& directory, ByteView der,
                                           storage::Provenance why, UnixSeconds now);

}  // namespace tanda::crl
