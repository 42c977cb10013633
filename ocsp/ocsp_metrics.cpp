#include "ocsp/ocsp_metrics.hpp"

#include "ocsp/response_cache.hpp"
#include "ocsp/signing_pool.hpp"

namespace tanda::ocsp {

using metrics::Exposition;

OcspMetrics::OcspMetrics(metrics::Registry& registry)
    : requests_(registry.counters("tanda_ocsp_requests_total",
                                  "OCSP requests answered, by CA, HTTP method and outcome.",
                                  {"ca", "method", "outcome"})),
      duration_(registry.histograms("tanda_ocsp_request_duration_seconds",
                                    "Time from a complete OCSP request to its answer.",
                                    {"method"}, metrics::latency_buckets())),
      signatures_(registry.counters("tanda_ocsp_signatures_total",
                                    "OCSP responses signed, by CA and signer key algorithm.",
                                    {"ca", "algorithm"})),
      signing_failures_(registry.counters(
          "tanda_ocsp_signing_failures_total",
          "OCSP responses that could not be signed (a key on a token: answered tryLater).",
          {"ca"})) {}

void OcspMetrics::answered(std::string_view ca, http::Verb method, Outcome outcome,
                           double seconds) {
    const std::string_view m = http::to_string(method);
    requests_.with({ca, m, outcome_name(outcome)}).inc();
    duration_.with({m}).observe(seconds);
}

void add_cache_metrics(metrics::Registry& registry, const ResponseCache* cache) {
    if (!cache) return;
    registry.add([cache](Exposition& out) {
        const CacheStats s = cache->stats();
        out.counter("tanda_ocsp_cache_hits_total", "OCSP answers served from the cache.",
                    static_cast<double>(s.hits));
        out.counter("tanda_ocsp_cache_misses_total",
                    "Cacheable OCSP requests that had to be signed.",
                    static_cast<double>(s.misses));
        out.counter("tanda_ocsp_cache_invalidations_total",
                    "Cached answers dropped because the certificate's record changed.",
                    static_cast<double>(s.invalidations));
        out.gauge("tanda_ocsp_cache_entries", "Answers in the cache.",
                  static_cast<double>(s.entries));
        out.gauge("tanda_ocsp_cache_capacity", "Most answers the cache keeps.",
                  static_cast<double>(cache->capacity()));
    });
}

void add_signing_pool_metrics(metrics::Registry& registry, const SigningPool& pool) {
    registry.add([&pool](Exposition& out) {
        out.counter("tanda_signing_refused_total",
                    "Requests answered tryLater because the signing pool and its waiting room "
                    "were full.",
                    static_cast<double>(pool.refused()));
        out.gauge("tanda_signing_waiting", "Signing tasks in the waiting room.",
                  static_cast<double>(pool.waiting()));
        out.counter("tanda_signing_inline_total",
                    "Live answers made on the I/O thread that received them, without a "
                    "hand-off to the pool: signed with a quick key while a pool thread was "
                    "idle. Refusals (malformedRequest, unauthorized) never reach the pool.",
                    static_cast<double>(pool.ran_here()));
    });
}

}  // namespace tanda::ocsp
