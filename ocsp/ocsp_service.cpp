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
    index.add_commit_observer([cache = cache_, cas = cas_, cleared = std::move(cleared)](
                                  std::span<const storage::CommittedChange> changes) {
        bool ca_changed = false;
        const auto registry = cas->snapshot();
        for (const auto& c : changes) {
            cache->invalidate(CacheKey(c.issuer, c.serial.bytes()));
            ca_changed = ca_changed || registry->is_served_ca_certificate(c.issuer, c.serial);
        }
        // A served CA's own certificate changed: the answers of every certificate it and the
        // CAs below it issued may have changed too (issuer_revocation). Rare: drop them all.
        if (ca_changed) {
            cache->clear();
            if (cleared) cleared();
        }
    });
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
