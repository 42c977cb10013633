// The CRLs' Prometheus metrics, read at scrape time.
#pragma once

#include "ca/ca_registry_holder.hpp"
#include "core/metrics.hpp"
#include "crl/crl_service.hpp"

namespace tanda::crl {

// Per CA and kind (full, delta): CRL number, entries, bytes, generation seconds, thisUpdate
// and nextUpdate timestamps, of the CRL being served. `crls` must outlive the registry's
// scrapes; `cas` is read at each scrape.
void add_crl_metrics(metrics::Registry& registry, ca::CaSnapshot cas, const CrlService& crls);

}  // namespace tanda::crl
