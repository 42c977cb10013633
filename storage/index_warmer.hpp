// Maps the revocation index into the process in the background (RevocationIndex::warm), so
// uncached answers after a restart do not each wait on a page fault. `tanda serve` starts it once
// listening and serves meanwhile; it is stopped and joined before storage closes.
#pragma once

#include <thread>

#include "core/logger.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::storage {

class IndexWarmer {
public:
    // Starts the walk on a thread of its own. When it ends, logs "index warmed" (or "index
    // warm-up stopped" after stop()) with records, ms and huge_page_mib, or warns "index warm-up
    // failed". `index` and `logger` must outlive the warmer.
    IndexWarmer(const RevocationIndex& index, Logger& logger);
    ~IndexWarmer() { stop(); }
    IndexWarmer(const IndexWarmer&) = delete;
    IndexWarmer& operator=(const IndexWarmer&) = delete;
    void stop();  // asks the walk to stop and joins it; idempotent

private:
    std::jthread thread_;
};

}  // namespace tanda::storage
