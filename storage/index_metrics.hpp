// The revocation index's Prometheus metrics: what it holds, read at each scrape, and the
// revocations and releases its commits applied in this process, counted by a commit observer.
#pragma once

#include <functional>
#include <string>

#include "core/metrics.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::storage {

// tanda_storage_up, tanda_journal_sequence, tanda_storage_records, tanda_storage_used_bytes and
// tanda_storage_map_size_bytes, read from index.stats() at scrape (storage_up 0 and nothing
// else when it fails). `index` must outlive the registry's scrapes.
void add_index_metrics(metrics::Registry& registry, const RevocationIndex& index);

// The name an issuer id is exported under (the served CA's name); "" for an issuer not served.
// Called on the committing thread, once per counted change.
using IssuerName = std::function<std::string(IssuerId)>;

// Registers a commit observer on `index` that counts tanda_revocations_applied_total{ca,reason}
// (revocations and holds) and tanda_releases_applied_total{ca}; registrations are not counted.
// `registry` must outlive `index`'s commits.
void count_applied_changes(metrics::Registry& registry, RevocationIndex& index,
                           IssuerName issuer_name);

}  // namespace tanda::storage
