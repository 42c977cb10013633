// Turns the revocation index into CRLs for one CA: complete CRLs streamed from the records
// cursor, delta CRLs (RFC 5280 5.2.4) from the journal entries after a base. No files, no
// timers: CrlPublisher decides when and keeps the results.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "ca/ca_registry.hpp"
#include "core/bytes.hpp"
#include "core/result.hpp"
#include "core/shared_bytes.hpp"
#include "pki/atomic_file.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::crl {

// A complete CRL as a base for deltas, persisted in storage metadata.
struct CrlBase {
    std::uint64_t number = 0;
    // Every journal entry of the issuer with seq <= this is reflected in the CRL, none after.
    std::uint64_t seq = 0;
    UnixSeconds this_update = 0;
    // Revoked certificates that expired before this were left out (0: none were).
    UnixSeconds expired_cutoff = 0;
};
std::string encode_crl_base(const CrlBase& base);
std::optional<CrlBase> decode_crl_base(std::string_view text);

// Where a generated CRL is written. Without a file, in memory (small CRLs, tests). With one, the
// CRL goes into it, entries beyond `spill_threshold` bytes through an unnamed file in the same
// directory: memory stays about the threshold whatever the CRL's size (Ed25519 keys excepted:
// they sign the whole CRL from one buffer).
inline constexpr std::size_t kDefaultSpillBytes = std::size_t{8} << 20;
struct CrlDestination {
    pki::AtomicFile* file = nullptr;
    std::size_t spill_threshold = kDefaultSpillBytes;
    // Drop the index pages the walk touched from this process as it goes, so a one-shot
    // command's RSS stays flat. Never in the daemon: it would undo the warm-up of the OCSP
    // index (storage::RevocationIndex::release_mapped_pages).
    bool release_index_pages = false;
};

struct GeneratedCrl {
    SharedBytes der;  // in memory, or the destination file mapped when `spilled`
    bool spilled = false;
    std::size_t sort_runs = 0;  // deltas: temporary files their changes were sorted through
    std::size_t entries = 0;
    double seconds = 0;  // wall time spent generating and signing
    CrlBase base;  // complete CRLs: what a delta needs; deltas: their base
};

// The complete CRL numbered `number`: every revoked record of the CA (holds included), except
// those that expired before `expired_cutoff` unless the CA keeps expired ones. thisUpdate is
// `now`, nextUpdate now + crl.validity. Precondition: ca.crl_signer is set.
[[nodiscard]] Result<GeneratedCrl> generate_full_crl(const ca::ServedCa& ca,
                                                     const storage::RevocationIndex& index,
                                                     std::uint64_t number, UnixSeconds now,
                                                     UnixSeconds expired_cutoff,
                                                     CrlDestination to = {});

// The delta CRL numbered `number` against `base`: each certificate whose record changed after
// base.seq, with its current revocation, or removeFromCRL when it was released from hold (and
// is not revoked again). Entries in serial order. Written to a file, the changes are sorted
// through temporary files beside it (CrlDestination's threshold per run), so memory does not
// grow with their number. Precondition: ca.crl_signer is set.
[[nodiscard]] Result<GeneratedCrl> generate_delta_crl(const ca::ServedCa& ca,
                                                      const storage::RevocationIndex& index,
                                                      std::uint64_t number, UnixSeconds now,
                                                      const CrlBase& base, CrlDestination to = {});

// The issuers with journal entries in (after, head] that change a record (not audit entries,
// so a CRL's own crl_published entry does not call for another CRL); nullopt when there are more
// than `limit` entries to read (callers then assume every issuer changed).
[[nodiscard]] Result<std::optional<std::set<storage::IssuerId>>> changed_issuers(
    const storage::RevocationIndex& index, std::uint64_t after, std::uint64_t head,
    std::size_t limit);

// The journal head (seq of the newest entry, 0 when empty).
[[nodiscard]] Result<std::uint64_t> journal_head(const storage::RevocationIndex& index);

}  // namespace tanda::crl
