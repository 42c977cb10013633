// Publishes one CA's CRLs: decides when to regenerate (debounced after changes, on schedule
// before nextUpdate), numbers them (one strictly increasing sequence per CA in storage meta,
// shared by full and delta CRLs, RFC 5280 5.2.3), writes them atomically to the state
// directory and holds the current ones for serving.
//
// In a cluster (with a CrlSharing) only the node holding the CA's publisher lease does that; it
// shares each CRL before serving it, and the other nodes serve the shared bytes, checked
// against the CA's CRL signer. A node that takes the lease over resumes from the shared CRLs
// and the replicated base, and its numbers come from the replicated counter: never reused. A
// node without the CA key (no crl_signer) never asks for the lease: it serves the shared CRLs,
// checked against the CA certificate.
//
// Thread safety: full(), delta() and note_change() may be called from any thread; start(),
// run_due() and the publish_*() calls are serialised internally (one generation at a time).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "ca/ca_registry.hpp"
#include "core/clock.hpp"
#include "core/logger.hpp"
#include "crl/crl_generator.hpp"
#include "crl/crl_sharing.hpp"
#include "crl/published_crl.hpp"
#include "pki/crl_reader.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::crl {

// Told once a CRL is served that it is the first to cover journal entries (after_seq,
// crl.covered_seq] (the request stage "published in a CRL", admin/crl_stages.hpp). Called on
// the publishing thread with the publisher's generation lock held: it may read and write
// storage, and must not publish CRLs.
using PublicationListener =
    std::function<void(const ca::ServedCa& ca, const PublishedCrl& crl, std::uint64_t after_seq)>;

class CrlPublisher {
public:
    // `ca` must have a storage issuer id, and a crl_signer unless `sharing` is given. All
    // references must outlive this.
    // CRLs are written to `directory`/<ca>.crl and <ca>-delta.crl. `sharing`: the cluster's,
    // or null for a single node.
    CrlPublisher(const ca::ServedCa& ca, storage::RevocationIndex& index, std::string directory,
                 const Clock& clock, Logger& logger, CrlSharing* sharing = nullptr);

    // Set before start(); without one nothing is told.
    void set_listener(PublicationListener listener) { listener_ = std::move(listener); }
    // CRLs beyond this many entry bytes are streamed through a spill file (CrlDestination).
    void set_spill_threshold(std::size_t bytes) { spill_bytes_ = bytes; }
    // For one-shot commands (tanda crl generate): see CrlDestination::release_index_pages.
    void set_release_index_pages(bool release) { release_index_pages_ = release; }

    // Serves the CRLs on disk at once when they verify, are not past nextUpdate and are the
    // ones storage metadata names; otherwise generates them now. Changes recorded after the
    // CRL on disk mark it for regeneration.
    [[nodiscard]] Result<void> start();

    // A complete CRL now, and with delta CRLs enabled an (empty) delta with the same number.
    // In a cluster, ErrorCode::conflict on a node that does not hold the lease.
    [[nodiscard]] Result<void> publish_full();
    // A delta CRL against the current complete CRL now. Precondition: delta enabled, started.
    [[nodiscard]] Result<void> publish_delta();

    // The issuer's records changed in journal entry `seq`. Ignored when the current CRLs
    // already cover it; otherwise regeneration is due `debounce` after the first such change.
    void note_change(std::uint64_t seq);

    // Does whatever is due at clock.now() (debounced change, scheduled refresh, retry after a
    // failure) and returns when something is next due. Failures are logged and retried.
    UnixSeconds run_due();

    std::shared_ptr<const PublishedCrl> full() const;
    std::shared_ptr<const PublishedCrl> delta() const;  // null unless delta CRLs are enabled
    std::uint64_t generations() const;                  // CRLs generated (full and delta)
    // Numbers the counter gave that were not above every number known (nothing published).
    std::uint64_t refused_numbers() const;
    // Whether this node signs the CA's CRLs: always for a single node; in a cluster while it
    // holds the lease.
    bool publishing() const;
    const ca::ServedCa& ca() const { return ca_; }
    std::string full_path() const;
    std::string delta_path() const;

private:
    // start() without the lock: serve what is on disk when it is current, else generate.
    Result<void> resume_locked();
    // In a cluster: whether this node holds the lease, taking over (resume_locked) when it
    // just got it.
    bool lead_locked();
    // In a cluster: serves (and writes to disk) the shared CRLs newer than those served, once
    // they verify against the CA's CRL signer.
    void adopt_shared();
    void adopt(SharedCrl crl, bool delta);
    std::optional<PublishedCrl> load(const std::string& path, bool delta);
    // Reads back a CRL of this CA: against its CRL signer, or without the key its certificate.
    Result<pki::CrlInfo> read_own(ByteView der) const;
    // Before the first CRL without start(): numbers on disk and the stored base.
    Result<void> recall();
    // The next number from storage's counter, refused (logged, counted) unless it is above
    // every number on disk and in service (RFC 5280 5.2.3).
    Result<std::uint64_t> next_number();
    // Where a CRL written into `file` goes, with this publisher's spill settings.
    CrlDestination into(pki::AtomicFile& file) const {
        return {&file, spill_bytes_, release_index_pages_};
    }
    Result<void> publish_full_locked();
    Result<void> publish_delta_locked();
    // The CA as generation signs with it: ca_, or a copy holding its CRL key loaded again after
    // that key, on a token, stopped signing. Caller holds generate_mutex_.
    const ca::ServedCa& signing_ca() const { return reopened_ ? *reopened_ : ca_; }
    // After a failed generation: when the CRL key is on a token and no longer signs, opens its
    // module afresh and loads the key again (pki::PrivateKey::reopen_token), kept once it
    // signs. True when it was. Caller holds generate_mutex_; paced by the retry interval.
    bool reopen_crl_key_locked();
    // Shares the CRL written into `file`, puts the file in place, then serves it; `crl.der` is
    // moved into the snapshot.
    Result<void> write_and_swap(GeneratedCrl& crl, pki::AtomicFile& file, std::uint64_t number,
                                bool delta, UnixSeconds now, std::uint64_t covered_seq);

    const ca::ServedCa& ca_;
    storage::RevocationIndex& index_;
    std::string directory_;
    const Clock& clock_;
    Logger& logger_;
    CrlSharing* const sharing_;
    const std::string number_key_, base_key_;

    std::mutex generate_mutex_;  // one generation at a time; guards base_ and the schedule
    std::optional<CrlBase> base_;
    std::optional<ca::ServedCa> reopened_;  // see signing_ca()
    PublicationListener listener_;
    std::size_t spill_bytes_ = kDefaultSpillBytes;
    bool release_index_pages_ = false;
    std::uint64_t reported_seq_ = 0;  // the listener was told of every entry up to this
    bool recalled_ = false;
    std::uint64_t min_number_ = 1;  // above every number seen on disk
    UnixSeconds full_due_ = 0, delta_due_ = 0;
    std::string sharing_problem_;  // the last failure to read the shared CRLs, logged once

    mutable std::mutex state_mutex_;  // guards what other threads touch
    std::shared_ptr<const PublishedCrl> full_, delta_;
    std::uint64_t covered_seq_ = 0;           // every change up to this is in the served CRLs
    std::uint64_t dirty_seq_ = 0;             // the newest change noted
    std::optional<UnixSeconds> dirty_since_;  // first change not yet covered
    std::uint64_t generations_ = 0;
    std::uint64_t refused_numbers_ = 0;
    bool publishing_ = false;
};

}  // namespace tanda::crl
