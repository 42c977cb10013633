#include "ca/ca_metrics.hpp"

namespace tanda::ca {

using metrics::Exposition;

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

}  // namespace tanda::ca
