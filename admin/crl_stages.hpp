// The request stage "published in a CRL" (issue 21), kept in storage meta when a CRL is served:
// the CRL publisher (crl/) tells the CLI which journal entries a new CRL is the first to cover,
// and the CLI hands them here, so admin/ and crl/ stay apart.
#pragma once

#include <cstdint>

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
    // entries (after_seq, covered_seq]. For each admin revocation or release of that issuer
    // among them that has no CRL stage yet: writes crl_published_key (put_meta, so through the
    // cluster when there is one) and tells the observer `crl_published` with the seconds from
    // the entry's time. Reads at most the newest kScanLimit entries of the range (a first
    // CRL over a large import); storage failures are logged, never returned: the CRL is served.
    void record(storage::IssuerId issuer, const CrlPublication& crl, std::uint64_t after_seq,
                std::uint64_t covered_seq);

    static constexpr std::uint64_t kScanLimit = 100000;

private:
    void record_entry(const storage::JournalEntry& e, const CrlPublication& crl);

    storage::RevocationIndex& index_;
    Logger& logger_;
    StageObserver stages_;
};

}  // namespace tanda::admin
