// Maps the revocation index into `serve` in the background once it is listening
// (RevocationIndex::warm), so uncached answers after a restart do not each wait on a page fault.
// Requests are served meanwhile; stopped and joined before storage closes.
#pragma once

#include <thread>

#include "core/logger.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::cli {

class IndexWarmer {
public:
    IndexWarmer(const storage::RevocationIndex& index, Logger& logger);
    ~IndexWarmer() { stop(); }
    IndexWarmer(const IndexWarmer&) = delete;
    IndexWarmer& operator=(const IndexWarmer&) = delete;
    void stop();  // idempotent

private:
    std::jthread thread_;
};

}  // namespace tanda::cli
