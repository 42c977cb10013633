// OCSP's Prometheus metrics: what the OCSP routes count per request, and collectors that read
// the answer cache and the signing pool at scrape time.
#pragma once

#include <memory>
#include <string_view>

#include "core/metrics.hpp"
#include "http/message.hpp"
#include "ocsp/response_content.hpp"

namespace tanda::ocsp {

class ResponseCache;
class SigningPool;

// Counted on the request path; registered once per process.
class OcspMetrics {
public:
    explicit OcspMetrics(metrics::Registry& registry);

    // One answered OCSP request: by CA ("" when none was identified), method and outcome.
    void answered(std::string_view ca, http::Verb method, Outcome outcome, double seconds);
    metrics::Family<metrics::Counter>& signatures() { return signatures_; }
    metrics::Family<metrics::Counter>& signing_failures() { return signing_failures_; }

private:
    metrics::Family<metrics::Counter>& requests_;
    metrics::Family<metrics::Histogram>& duration_;
    metrics::Family<metrics::Counter>& signatures_;
    metrics::Family<metrics::Counter>& signing_failures_;
};

// Cache hits, misses, entries and invalidations; `cache` may be null (caching disabled: no
// series). The cache must outlive the registry's scrapes.
void add_cache_metrics(metrics::Registry& registry, const ResponseCache* cache);
// tryLater refusals and the waiting room.
void add_signing_pool_metrics(metrics::Registry& registry, const SigningPool& pool);

}  // namespace tanda::ocsp
