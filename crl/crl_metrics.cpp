#include "crl/crl_metrics.hpp"

namespace tanda::crl {

using metrics::Exposition;

void add_crl_metrics(metrics::Registry& registry, ca::CaSnapshot cas, const CrlService& crls) {
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
               [](const PublishedCrl& c) { return c.der.size(); });
        family("tanda_crl_generation_seconds",
               "Time the CRL being served took to generate and sign (0 when read from disk).",
               [](const PublishedCrl& c) { return c.generation_seconds; });
        family("tanda_crl_this_update_timestamp_seconds", "thisUpdate of the CRL being served.",
               [](const PublishedCrl& c) { return c.this_update; });
        family("tanda_crl_next_update_timestamp_seconds", "nextUpdate of the CRL being served.",
               [](const PublishedCrl& c) { return c.next_update; });
        out.family("tanda_crl_publisher", "gauge",
                   "1 while this node signs the CA's CRLs (always on a single node; in a cluster "
                   "while it holds the CA's publisher lease).");
        for (const auto& ca : cas()->cas()) {
            if (const CrlPublisher* p = crls.publisher(ca.options.name)) {
                out.sample("tanda_crl_publisher", {{"ca", ca.options.name}},
                           p->publishing() ? 1.0 : 0.0);
            }
        }
        out.family("tanda_crl_imported", "gauge",
                   "1 for a CA whose CRLs are imported as its offline key signs them "
                   "(crl.source: import), 0 for one Tanda signs.");
        for (const auto& ca : cas()->cas()) {
            if (!ca.options.crl.enabled) continue;
            out.sample("tanda_crl_imported", {{"ca", ca.options.name}},
                       ca.options.crl.source == ca::CrlSource::imported ? 1.0 : 0.0);
        }
        out.family("tanda_crl_number_refusals_total", "counter",
                   "CRLs not published because their number was not above every number known.");
        for (const auto& ca : cas()->cas()) {
            if (const CrlPublisher* p = crls.publisher(ca.options.name)) {
                out.sample("tanda_crl_number_refusals_total", {{"ca", ca.options.name}},
                           static_cast<double>(p->refused_numbers()));
            }
        }
    });
}

}  // namespace tanda::crl
