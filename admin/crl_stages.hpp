// The request stage "published in a CRL" (issue 21), kept in the journal: when the CRL publisher
// (crl/) serves a CRL that is the first to cover admin requests, the CLI hands it here (so admin/
// and crl/ stay apart), and one `crl_published` audit entry names the CA, the CRL number, its
// thisUpdate and the journal entries it covers. A request's first CRL is then derivable from the
// journal alone: the first crl_published entry of its CA after it whose range covers it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "admin/request_stages.hpp"
#include "core/clock.hpp"
#include "core/logger.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::admin {

// What a crl_published entry says: CRL `crl_number` (a delta CRL when `delta`), with thisUpdate
// `this_update`, is the first CRL of its CA to cover journal entries (after_seq, covered_seq].
struct CrlStageEntry {
    std::uint64_t crl_number = 0;
    UnixSeconds this_update = 0;
    bool delta = false;
    std::uint64_t after_seq = 0;
    std::uint64_t covered_seq = 0;
};

// The entry's change and provenance: serial = the CRL number (big-endian, as in the CRL), an
// empty issued record, and source "crl;number=N;this_update=T;delta=0|1;after_seq=A;
// covered_seq=C", so `tanda admin journal` and an auditor read it without Tanda.
storage::Change crl_stage_change(storage::IssuerId issuer, const CrlStageEntry& crl);
storage::Provenance crl_stage_provenance(const CrlStageEntry& crl);
// nullopt unless `e` is a well-formed crl_published entry (its serial equal to its number).
std::optional<CrlStageEntry> parse_crl_stage(const storage::JournalEntry& e);

// Thread-safe (storage is); `index` and `logger` must outlive it.
class CrlStageRecorder {
public:
    CrlStageRecorder(storage::RevocationIndex& index, Logger& logger, StageObserver stages)
        : index_(index), logger_(logger), stages_(std::move(stages)) {}

    // CRL `crl` of issuer `issuer` (a delta CRL when `delta`), served at crl.published_at (its
    // thisUpdate), is the first this publisher served to cover journal entries (after_seq,
    // covered_seq]. Reads that range (at most its newest kScanLimit entries) for the issuer's
    // admin revocations and releases not already covered by a crl_published entry in it (a
    // publisher that took the lease over restarts from its base CRL); when there is one, or the
    // range was too long to read, appends ONE crl_published entry at crl.published_at
    // (append_audit: through the cluster when there is one), then tells the observer
    // `crl_published` for each such request, with the seconds from its entry's time. A CRL that
    // covers no request writes nothing. Storage failures are logged, never returned: the CRL is
    // served.
    void record(storage::IssuerId issuer, const CrlPublication& crl, std::uint64_t after_seq,
                std::uint64_t covered_seq, bool delta = false);

    static constexpr std::uint64_t kScanLimit = 100000;

private:
    storage::RevocationIndex& index_;
    Logger& logger_;
    StageObserver stages_;
};

// The first CRL of `issuer` that covered journal entry `seq`: its crl_published entry (the first
// of the issuer after `seq` whose range reaches `seq`, read within kLookupLimit entries after
// it), or for an entry published before Tanda journaled CRLs the meta key crl_cover/<issuer>/...
// that older versions wrote. nullopt when none is found (or storage failed: the status then
// falls back to the CRLs served now).
std::optional<CrlPublication> first_crl_covering(const storage::RevocationIndex& index,
                                                 storage::IssuerId issuer, std::uint64_t seq);
inline constexpr std::uint64_t kLookupLimit = 100000;

}  // namespace tanda::admin
