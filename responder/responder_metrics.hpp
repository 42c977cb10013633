// The responder's Prometheus metrics: what the OCSP routes count per request, and collectors
// that read the CAs, the answer cache, the signing pool and the CRLs at scrape time.
#pragma once

#include <memory>
#include <string_view>

#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "http/types.hpp"
#include "responder/ca_registry.hpp"
#include "responder/ocsp_answer.hpp"

namespace tanda::responder {

class ResponseCache;
class SigningPool;
class CrlService;

// Counted on the request path; registered once per process.
class OcspMetrics {
public:
    explicit OcspMetrics(metrics::Registry& registry);

    // One answered OCSP request: by CA ("" when none was identified), method and outcome.
    void answered(std::string_view ca, http::Verb method, Outcome outcome, double seconds);
    metrics::Family<metrics::Counter>& signatures() { return signatures_; }

private:
    metrics::Family<metrics::Counter>& requests_;
    metrics::Family<metrics::Histogram>& duration_;
    metrics::Family<metrics::Counter>& signatures_;
};

// Cache hits, misses, entries and invalidations; `cache` may be null (caching disabled: no
// series). The cache must outlive the registry's scrapes.
void add_cache_metrics(metrics::Registry& registry, const ResponseCache* cache);
// tryLater refusals and the waiting room.
void add_signing_pool_metrics(metrics::Registry& registry, const SigningPool& pool);
// Per CA: signer certificate notAfter. `cas` is read at each scrape (it may be swapped).
using CaSnapshot = std::function<std::shared_ptr<const CaRegistry>()>;
void add_ca_metrics(metrics::Registry& registry, CaSnapshot cas);
// Per CA and kind (full, delta): CRL number, entries, bytes, generation seconds, thisUpdate
// and nextUpdate timestamps, of the CRL being served.
void add_crl_metrics(metrics::Registry& registry, CaSnapshot cas, const CrlService& crls);

}  // namespace tanda::responder
