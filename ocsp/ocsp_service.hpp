// The OCSP path the public routes call: cached answers at once on the I/O thread, everything
// else signed within the bounded pool's limit (tryLater when it is full): on the I/O thread
// when the signature is quick and a pool thread is idle, on a pool thread otherwise. Layers,
// as in Boulder: this service -> ResponseCache -> SigningPool -> LiveResponder (storage
// lookup, policy, signing).
#pragma once

#include <functional>
#include <memory>

#include "ca/ca_registry.hpp"
#include "core/clock.hpp"
#include "ocsp/ocsp_responder.hpp"
#include "ocsp/response_cache.hpp"
#include "ocsp/signing_pool.hpp"
#include "pki/ocsp_request.hpp"

namespace tanda::ocsp {

// The narrow interface the HTTP routes know.
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

    // Registers the cache invalidation with storage: call once before serving.
    void watch(storage::RevocationIndex& index);

    // The unsigned answer for an OCSP error status (shared, never null).
    static std::shared_ptr<const ServedAnswer> error(Outcome outcome);

private:
    // Signs `request` on this thread when `here` and the pool has an idle thread, otherwise on
    // the pool; caches the answer when `key` is set and the answer may be.
    void sign(pki::OcspRequest request, std::optional<CacheKey> key, bool here, Done done) const;
    // Whether a request for `ca` gets the same answer for everyone (no nonce to echo).
    static bool shareable(const ca::ServedCa& ca, std::size_t cert_count, bool has_nonce);

    std::shared_ptr<const ca::CaRegistryHolder> cas_;
    const LiveResponder& live_;
    ResponseCache* cache_;
    SigningPool& pool_;
    const Clock& clock_;
};

}  // namespace tanda::ocsp
