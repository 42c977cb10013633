// The OCSP path the public routes call. A request is resolved once (resolved_request.hpp); then
// a cached answer is served at once on the I/O thread, and anything else is signed within the
// bounded pool's limit (tryLater when it is full): on the I/O thread when the signature is quick
// and a pool thread is idle, on a pool thread otherwise. Layers, as in Boulder: this service ->
// ResponseCache -> SigningPool -> LiveResponder (storage lookup, policy, signing).
#pragma once

#include <functional>
#include <memory>
#include <span>

#include "ca/ca_registry_holder.hpp"
#include "core/clock.hpp"
#include "ocsp/ocsp_responder.hpp"
#include "ocsp/resolved_request.hpp"
#include "ocsp/response_cache.hpp"
#include "ocsp/signing_pool.hpp"

namespace tanda::ocsp {

// What the OCSP routes call: DER request in, answer out. OcspService in production; the route
// tests substitute canned answers.
class AnswerSource {
public:
    // Called exactly once, on the calling thread or later on another one.
    using Done = std::function<void(std::shared_ptr<const ServedAnswer>)>;
    virtual ~AnswerSource() = default;
    // `request_der` is read only during the call.
    virtual void respond(ByteView request_der, Done done) const = 0;
};

class OcspService final : public AnswerSource {
public:
    // `done` runs on the calling thread for cache hits, refusals and answers signed there
    // (quick signatures while a pool thread is idle, SigningPool::try_run_here), on a pool
    // thread for the other signed answers.

    // `cache` may be null (caching disabled). All references must outlive the service.
    // Each request reads one snapshot of `cas`; a reload that swaps it clears the cache after
    // the swap (generations keep answers signed from the old snapshot out of it).
    OcspService(std::shared_ptr<const ca::CaRegistryHolder> cas, const LiveResponder& live,
                ResponseCache* cache, SigningPool& pool, const Clock& clock);
    // Serves `cas` for ever (no reload).
    OcspService(std::shared_ptr<const ca::CaRegistry> cas, const LiveResponder& live,
                ResponseCache* cache, SigningPool& pool, const Clock& clock);

    void respond(ByteView request_der, Done done) const override;

    // Registers the cache invalidation with storage: call once before serving. `cleared` is
    // called after a change of a served CA's own certificate emptied the whole cache (the
    // presigner starts over).
    void watch(storage::RevocationIndex& index, std::function<void()> cleared = {});
    // The same for changes another process made (storage::JournalFollower's entries):
    // `skipped` (entries not read) drops every cached answer.
    void forget(std::span<const storage::JournalEntry> entries, bool skipped);

private:
    // Drops the answers of (issuer, serial); when it is a served CA's own certificate, every
    // answer. Thread-safe.
    void forget(const ca::CaRegistry& registry, storage::IssuerId issuer, const Serial& serial,
                bool& cleared_all) const;
    void clear_all() const;

    // Signs `request` on this thread when `here` and the pool has an idle thread, otherwise on
    // the pool; caches the answer when `key` is set, the answer may be, and the registry is still
    // at `version` (read before the request's snapshot).
    void sign(const ResolvedRequest& request, std::optional<CacheKey> key, std::uint64_t version,
              bool here, Done done) const;

    std::shared_ptr<const ca::CaRegistryHolder> cas_;
    const LiveResponder& live_;
    ResponseCache* cache_;
    SigningPool& pool_;
    const Clock& clock_;
    std::function<void()> cleared_;  // set by watch(), before serving
};

}  // namespace tanda::ocsp
