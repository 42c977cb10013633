// Serves the CRLs of a CA whose key Tanda never holds (crl.source: import): the files that
// import_crl() installed in the state directory, re-read when they change, whichever process
// imported them. Served as they are, past nextUpdate too (relying parties judge that; the
// TandaImportedCrlNextUpdateNear alert warns before).
#pragma once

#include <sys/types.h>

#include <memory>
#include <mutex>
#include <string>

#include "ca/ca_registry.hpp"
#include "core/logger.hpp"
#include "crl/published_crl.hpp"

namespace tanda::crl {

class ImportedCrls {
public:
    // `ca` and `logger` must outlive this.
    ImportedCrls(const ca::ServedCa& ca, std::string directory, Logger& logger);

    // Re-reads a file that was replaced, added or removed since the last call. A file that
    // does not verify with the CA certificate is logged and the CRL served before stays.
    // Thread-safe.
    void refresh();

    std::shared_ptr<const PublishedCrl> full() const;
    std::shared_ptr<const PublishedCrl> delta() const;
    const ca::ServedCa& ca() const { return ca_; }

private:
    struct FileId {
        dev_t dev = 0;
        ino_t ino = 0;
        off_t size = 0;
        long mtime_ns = 0;
        bool operator==(const FileId&) const = default;
    };
    struct Slot {
        FileId id;  // all zero: no file
        std::shared_ptr<const PublishedCrl> crl;
    };
    void refresh(Slot& slot, bool delta);

    const ca::ServedCa& ca_;
    std::string directory_;
    Logger& logger_;
    std::mutex refresh_mutex_;  // one refresh at a time (the CRL thread, an admin import)
    mutable std::mutex mutex_;  // guards the slots' CRLs, held only to read or swap them
    Slot full_, delta_;
};

}  // namespace tanda::crl
