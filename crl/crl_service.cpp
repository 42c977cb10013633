// The CRL thread: one loop that sleeps until the earliest due time of any publisher, the next
// journal poll, or a change reported by the commit observer.
#include "crl/crl_service.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

namespace tanda::crl {
namespace {

// Journal entries read per poll before assuming that every CA changed.
constexpr std::size_t kPollScanLimit = 100000;

}  // namespace

struct CrlService::Shared {
    std::vector<std::unique_ptr<CrlPublisher>> publishers;
    std::vector<std::unique_ptr<ImportedCrls>> imported;
    std::map<storage::IssuerId, CrlPublisher*> by_issuer;
    std::mutex mutex;
    std::condition_variable wake;
    bool woken = false;
    bool stopping = false;
};

CrlService::CrlService(std::shared_ptr<const ca::CaRegistry> cas, storage::RevocationIndex& index,
                       std::string directory, const Clock& clock, Logger& logger,
                       std::chrono::milliseconds poll, CrlSharing* sharing)
    : cas_(std::move(cas)),
      index_(index),
      directory_(std::move(directory)),
      clock_(clock),
      logger_(logger),
      poll_(poll),
      shared_(std::make_shared<Shared>()) {
    for (const auto& ca : cas_->cas()) {
        if (ca.options.crl.enabled && ca.options.crl.source == ca::CrlSource::imported) {
            shared_->imported.push_back(std::make_unique<ImportedCrls>(ca, directory_, logger_));
            continue;
        }
        // A node without the CA key serves a cluster's shared CRLs; alone it has none.
        if (!ca.options.crl.enabled || (!ca.crl_signer && sharing == nullptr)) continue;
        shared_->publishers.push_back(
            std::make_unique<CrlPublisher>(ca, index_, directory_, clock_, logger_, sharing));
        shared_->by_issuer[ca.issuer_id] = shared_->publishers.back().get();
    }
}

CrlService::~CrlService() { stop(); }

void CrlService::set_publication_listener(const PublicationListener& listener) {
    for (auto& p : shared_->publishers) p->set_listener(listener);
}

void CrlService::set_spill_threshold(std::size_t bytes) {
    for (auto& p : shared_->publishers) p->set_spill_threshold(bytes);
}

Result<void> CrlService::start() {
    std::error_code ec;
    std::filesystem::create_directories(directory_, ec);
    if (ec) return fail(ErrorCode::io, "create CRL directory " + directory_ + ": " + ec.message());
    auto head = journal_head(index_);
    if (!head) return tl::unexpected(head.error());
    polled_head_ = *head;
    for (auto& p : shared_->publishers) {
        if (auto r = p->start(); !r) return r;
    }
    for (auto& i : shared_->imported) i->refresh();
    std::weak_ptr<Shared> weak = shared_;
    index_.add_commit_observer([weak](std::span<const storage::CommittedChange> changes) {
        auto shared = weak.lock();
        if (!shared) return;  // the service is gone; storage has no way to unregister
        bool any = false;
        for (const auto& c : changes) {
            auto it = shared->by_issuer.find(c.issuer);
            if (it == shared->by_issuer.end()) continue;
            it->second->note_change(c.seq);
            any = true;
        }
        if (!any) return;
        std::lock_guard lock(shared->mutex);
        shared->woken = true;
        shared->wake.notify_one();
    });
    if (!shared_->publishers.empty() || !shared_->imported.empty()) {
        thread_ = std::thread([this] { run(); });
    }
    return {};
}

void CrlService::stop() {
    {
        std::lock_guard lock(shared_->mutex);
        shared_->stopping = true;
        shared_->wake.notify_one();
    }
    if (thread_.joinable()) thread_.join();
}

void CrlService::poll_journal() {
    auto head = journal_head(index_);
    if (!head || *head <= polled_head_) return;
    auto changed = changed_issuers(index_, polled_head_, *head, kPollScanLimit);
    if (!changed) return;
    for (auto& [issuer, publisher] : shared_->by_issuer) {
        if (!*changed || (*changed)->count(issuer) > 0) publisher->note_change(*head);
    }
    polled_head_ = *head;
}

void CrlService::run() {
    std::unique_lock lock(shared_->mutex);
    while (!shared_->stopping) {
        shared_->woken = false;
        lock.unlock();
        poll_journal();
        for (auto& i : shared_->imported) i->refresh();
        const UnixSeconds now = clock_.now();
        UnixSeconds next = std::numeric_limits<UnixSeconds>::max();
        for (auto& p : shared_->publishers) next = std::min(next, p->run_due());
        auto wait = std::chrono::milliseconds(poll_);
        if (next <= now) {
            wait = std::chrono::milliseconds(0);
        } else if (next - now < 3600) {
            wait = std::min(wait, std::chrono::milliseconds((next - now) * 1000));
        }
        lock.lock();
        shared_->wake.wait_for(lock, wait, [&] { return shared_->stopping || shared_->woken; });
    }
}

std::shared_ptr<const PublishedCrl> CrlService::find(std::string_view ca, bool delta) const {
    if (auto* p = publisher(ca)) return delta ? p->delta() : p->full();
    if (auto* i = imported(ca)) return delta ? i->delta() : i->full();
    return nullptr;
}

Result<CrlImport> CrlService::import_crl(std::string_view ca, ByteView der,
                                         storage::Provenance why) {
    ImportedCrls* served = imported(ca);
    if (served == nullptr) {
        if (publisher(ca) != nullptr) {
            return fail(ErrorCode::conflict,
                        "CA " + std::string(ca) +
                            " signs its own CRLs here: "
                            "only a CA with crl.source: import takes imported CRLs");
        }
        return fail(ErrorCode::not_found, "CA " + std::string(ca) + " does not publish CRLs");
    }
    auto done =
        crl::import_crl(served->ca(), index_, directory_, der, std::move(why), clock_.now());
    if (done) served->refresh();
    return done;
}

ImportedCrls* CrlService::imported(std::string_view ca) const {
    for (const auto& i : shared_->imported) {
        if (i->ca().options.name == ca) return i.get();
    }
    return nullptr;
}

CrlPublisher* CrlService::publisher(std::string_view ca) const {
    for (const auto& p : shared_->publishers) {
        if (p->ca().options.name == ca) return p.get();
    }
    return nullptr;
}

}  // namespace tanda::crl
