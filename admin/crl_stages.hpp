// The request stage "published in a CRL" (issue 21), kept in storage meta when a CRL is served:
// the CRL publisher (crl/) tells the CLI which journal entries a new CRL is the first to cover,
// and the CLI hands them here, so admin/ and crl/ stay apart.
#pragma once

#include <cstdint>
#include <optional>

#include "admin/request_stages.hpp"
#include "core/clock.hpp"
#include "core/logger.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::admin {

// Thread-safe (storage is); `index` and `logger` must outlive it.
class CrlStageRecorder {
public:
    CrlStageRecorder(storage::RevocationIndex& index, Logger& logger, StageObserver stages)
        : index_(index), logger_(logger), stages_(std::move(stages)) {}

    // CRL `crl` of issuer `issuer`, served at crl.published_at, is the first to cover journal
    // entries (after_seq, covered_seq]. Writes one meta record, crl_cover_key(issuer,
    // covered_seq) (put_meta, so through the cluster when there is one): one write per CRL,
    // not per request. Then tells the observer `crl_published`, for each admin revocation or
    // release of that issuer in the range, with the seconds from the entry's time; it reads at
    // most the newest kScanLimit entries (a first CRL over a large import). Storage failures
    // are logged, never returned: the CRL is served.
    void record(storage::IssuerId issuer, const CrlPublication& crl, std::uint64_t after_seq,
                std::uint64_t covered_seq);

    static constexpr std::uint64_t kScanLimit = 100000;

private:
    void observe_range(storage::IssuerId issuer, UnixSeconds published_at, std::uint64_t after_seq,
                       std::uint64_t covered_seq);

    storage::RevocationIndex& index_;
    Logger& logger_;
    StageObserver stages_;
};

// The first CRL recorded for `issuer` that covers journal entry `seq`; nullopt when none was
// (or storage failed: the status then falls back to the CRLs served now).
std::optional<CrlPublication> first_crl_covering(const storage::RevocationIndex& index,
                                                 storage::IssuerId issuer, std::uint64_t seq);

}  // namespace tanda::admin
