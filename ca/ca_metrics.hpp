// The served CAs' Prometheus metrics, read at scrape time.
#pragma once

#include "ca/ca_registry_holder.hpp"
#include "core/metrics.hpp"

namespace tanda::ca {

// Per CA: signer and issuer certificate notAfter. `cas` is read at each scrape (it may be
// swapped).
void add_ca_metrics(metrics::Registry& registry, CaSnapshot cas);

}  // namespace tanda::ca
