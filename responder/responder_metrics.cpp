#include "responder/responder_metrics.hpp"

#include "responder/crl_service.hpp"
#include "responder/response_cache.hpp"
#include "responder/signing_pool.hpp"

namespace tanda::responder {

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
                                    {"ca", "algorithm"})) {}

void OcspMetrics::answered(std::string_view ca, http::Verb method, Outcome outcome,
                           double seconds) {
    const auto name = http::beast_http::to_string(method);
    const std::string_view m(name.data(), name.size());
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
                    "idle, or an error that needs no signature.",
                    static_cast<double>(pool.ran_here()));
    });
}

void add_ca_metrics(metrics::Registry& registry, CaSnapshot cas) {
    registry.add([cas = std::move(cas)](Exposition& out) {
        auto registry = cas();
        out.family("tanda_signer_not_after_timestamp_seconds", "gauge",
                   "notAfter of the certificate that signs each CA's OCSP responses.");
        for (const auto& ca : registry->cas()) {
            out.sample("tanda_signer_not_after_timestamp_seconds",
                       {{"ca", ca.options.name}, {"delegated", ca.signer.delegated() ? "1" : "0"}},
                       static_cast<double>(ca.signer.certificate().not_after()));
        }
        out.family("tanda_issuer_not_after_timestamp_seconds", "gauge",
                   "notAfter of each served CA's own certificate.");
        for (const auto& ca : registry->cas()) {
            out.sample("tanda_issuer_not_after_timestamp_seconds", {{"ca", ca.options.name}},
                       static_cast<double>(ca.issuer.not_after()));
        }
    });
}

void add_crl_metrics(metrics::Registry& registry, CaSnapshot cas, const CrlService& crls) {
    registry.add([cas = std::move(cas), &crls](Exposition& out) {
        struct Served {
            std::string ca;
            const char* kind;
            std::shared_ptr<const PublishedCrl> crl;
        };
        std::vector<Served> served;
        for (const auto& ca : cas()->cas()) {
            for (bool delta : {false, true}) {
                if (auto crl = crls.find(ca.options.name, delta)) {
                    served.push_back({ca.options.name, delta ? "delta" : "full", std::move(crl)});
                }
            }
        }
        auto family = [&](const char* name, const char* help, auto value) {
            out.family(name, "gauge", help);
            for (const auto& s : served) {
                out.sample(name, {{"ca", s.ca}, {"kind", s.kind}},
                           static_cast<double>(value(*s.crl)));
            }
        };
        family("tanda_crl_number", "CRL number of the CRL being served.",
               [](const PublishedCrl& c) { return c.number; });
        family("tanda_crl_entries", "Entries of the CRL being served.",
               [](const PublishedCrl& c) { return c.entries; });
        family("tanda_crl_bytes", "DER size of the CRL being served.",
               [](const PublishedCrl& c) { return c.der->size(); });
        family("tanda_crl_generation_seconds",
               "Time the CRL being served took to generate and sign (0 when read from disk).",
               [](const PublishedCrl& c) { return c.generation_seconds; });
        family("tanda_crl_this_update_timestamp_seconds", "thisUpdate of the CRL being served.",
               [](const PublishedCrl& c) { return c.this_update; });
        family("tanda_crl_next_update_timestamp_seconds", "nextUpdate of the CRL being served.",
               [](const PublishedCrl& c) { return c.next_update; });
    });
}

}  // namespace tanda::responder
