// Runs the CRL publishers of every CA that publishes CRLs on one background thread: tells them
// about changes (storage's commit observer for this process, a journal poll for changes made
// by other processes such as `tanda import`), and lets each do what is due. Serves the CRLs
// of CAs that import theirs (crl.source: import) from the files imports install.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ca/ca_registry.hpp"
#include "core/clock.hpp"
#include "core/logger.hpp"
#include "crl/crl_import.hpp"
#include "crl/crl_publisher.hpp"
#include "crl/crl_routes.hpp"
#include "crl/imported_crls.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::crl {

class CrlService final : public CrlSource {
public:
    // `cas` must be bound to storage. References must outlive the service. CRLs are written to
    // `directory` (created 0755 if missing). `poll` is the journal poll interval. `sharing`:
    // the cluster's (one publisher per CA, see CrlPublisher), null for a single node.
    CrlService(std::shared_ptr<const ca::CaRegistry> cas, storage::RevocationIndex& index,
               std::string directory, const Clock& clock, Logger& logger,
               std::chrono::milliseconds poll = std::chrono::seconds(1),
               CrlSharing* sharing = nullptr);
    ~CrlService();  // stop()
    CrlService(const CrlService&) = delete;
    CrlService& operator=(const CrlService&) = delete;

    // Passes `listener` to every publisher (CrlPublisher::set_listener). Before start().
    void set_publication_listener(const PublicationListener& listener);
    // Before start(): see CrlPublisher::set_spill_threshold.
    void set_spill_threshold(std::size_t bytes);

    // Starts every publisher (CRLs on disk served at once, or generated now), registers the
    // commit observer and starts the thread. Fails on the first CA whose CRL cannot be made.
    [[nodiscard]] Result<void> start();
    // Stops the thread (an ongoing generation finishes first). Idempotent.
    void stop();

    std::shared_ptr<const PublishedCrl> find(std::string_view ca, bool delta) const override;
    CrlPublisher* publisher(std::string_view ca) const;
    // The CRLs of a CA with crl.source: import (null for others); the CRL thread re-reads
    // their files every poll, refresh() at once after an import in this process.
    ImportedCrls* imported(std::string_view ca) const;
    // import_crl() for the CA `ca` into this service's directory, then serves the result
    // before returning. ErrorCode::not_found for a CA that does not import its CRLs.
    [[nodiscard]] Result<CrlImport> import_crl(std::string_view ca, ByteView der,
                                               storage::Provenance why);

private:
    struct Shared;
    void run();
    void poll_journal();

    std::shared_ptr<const ca::CaRegistry> cas_;
    storage::RevocationIndex& index_;
    std::string directory_;
    const Clock& clock_;
    Logger& logger_;
    std::chrono::milliseconds poll_;
    std::shared_ptr<Shared> shared_;  // publishers and wake-ups; the observer holds it weakly
    std::uint64_t polled_head_ = 0;
    std::thread thread_;
};

}  // namespace tanda::crl
