#include "ocsp/ocsp_service.hpp"

#include "ocsp/error_answers.hpp"

namespace tanda::ocsp {
namespace {

bool cacheable_outcome(Outcome o) {
    return o == Outcome::good || o == Outcome::revoked || o == Outcome::unknown;
}

}  // namespace

OcspService::OcspService(std::shared_ptr<const ca::CaRegistryHolder> cas,
                         const LiveResponder& live, ResponseCache* cache, SigningPool& pool,
                         const Clock& clock)
    : cas_(std::move(cas)), live_(live), cache_(cache), pool_(pool), clock_(clock) {}

OcspService::OcspService(std::shared_ptr<const ca::CaRegistry> cas, const LiveResponder& live,
                         ResponseCache* cache, SigningPool& pool, const Clock& clock)
    : OcspService(std::make_shared<const ca::CaRegistryHolder>(std::move(cas)), live, cache,
                  pool, clock) {}

void OcspService::watch(storage::RevocationIndex& index, std::function<void()> cleared) {
    if (cache_ == nullptr) return;
    cleared_ = std::move(cleared);
    index.add_commit_observer([this](std::span<const storage::CommittedChange> changes) {
        bool cleared_all = false;
        const auto registry = cas_->snapshot();  // once per commit, not per change
        for (const auto& c : changes) forget(*registry, c.issuer, c.serial, cleared_all);
    });
}

void OcspService::forget(std::span<const storage::JournalEntry> entries, bool skipped) {
    if (cache_ == nullptr) return;
    if (skipped) return clear_all();
    bool cleared_all = false;
    const auto registry = cas_->snapshot();
    for (const auto& e : entries) {
        if (storage::changes_record(e.change)) {
            forget(*registry, e.change.issuer, e.change.serial, cleared_all);
        }
    }
}

void OcspService::forget(const ca::CaRegistry& registry, storage::IssuerId issuer,
                         const Serial& serial, bool& cleared_all) const {
    if (cleared_all) return;
    cache_->invalidate(CacheKey(issuer, serial.bytes()));
    // A served CA's own certificate changed: the answers of every certificate it and the CAs
    // below it issued may have changed too (issuer_revocation). Rare: drop them all.
    if (registry.is_served_ca_certificate(issuer, serial)) {
        clear_all();
        cleared_all = true;
    }
}

void OcspService::clear_all() const {
    cache_->clear();
    if (cleared_) cleared_();
}

void OcspService::respond(ByteView der, Done done) const {
    // Read before the snapshot: sign() caches only if no reload swapped the registry since.
    const std::uint64_t version = cas_->version();
    auto request = resolve_request(der, cas_->snapshot());
    if (!request) return done(error_answer(request.error()));
    const ca::ServedCa& ca = *request->ca;
    std::optional<CacheKey> key;
    if (cache_ != nullptr && request->shareable()) {
        const RequestedCertId& cert = request->certs.front();
        key.emplace(ca.issuer_id, cert.serial);
        const UnixSeconds now = clock_.now();
        if (auto hit = cache_->find(*key, cert.cert_id_der, now)) {
            if (now >= hit->refresh_at && !hit->refreshing.exchange(true)) {
                // Re-sign in the background, on the pool: this request is served the current
                // answer.
                sign(*request, key, version, false, [hit](auto) { hit->refreshing = false; });
            }
            return done(std::move(hit));
        }
    }
    sign(*request, key, version, ca.signer.signs_quickly(), std::move(done));
}

void OcspService::sign(const ResolvedRequest& request, std::optional<CacheKey> key,
                       std::uint64_t version, bool here, Done done) const {
    // Read before the storage lookup so an invalidation in between refuses the insert.
    const std::uint64_t generation = key ? cache_->generation(*key) : 0;
    // A reload swaps the registry, then clears the cache. If it swapped since `version`, the
    // generation may postdate its clear() while the answer is the old signer's: not cached.
    if (key && cas_->version() != version) key.reset();
    auto run = [this, key, generation](const ResolvedRequest& r, const Done& reply) {
        auto served = live_.respond(r);
        if (key && !served->answer.has_nonce && cacheable_outcome(served->answer.outcome)) {
            cache_->insert(*key, served, generation);
        }
        reply(std::move(served));
    };
    if (here) {
        auto inline_task = [&] { run(request, done); };
        if (pool_.try_run_here(inline_task)) return;
    }
    // The views point into the caller's buffer, which is gone by the time a pool thread runs.
    auto task = [run, owned = request.detached(), done] { run(owned, done); };
    if (!pool_.try_submit(std::move(task))) done(error_answer(Outcome::try_later));
}

}  // namespace tanda::ocsp
