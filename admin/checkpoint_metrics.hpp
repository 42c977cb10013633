// Prometheus figures of the signed journal checkpoints, read at each scrape.
#pragma once

#include "admin/checkpointer.hpp"
#include "core/metrics.hpp"

namespace tanda::admin {

// tanda_checkpoint_last_seq (the journal seq the last checkpoint signs; 0 when none) and
// tanda_checkpoint_last_time_seconds (its time as Unix seconds; 0 when none), so its age is
// time() - tanda_checkpoint_last_time_seconds. `checkpointer` must outlive the scrapes.
void add_checkpoint_metrics(metrics::Registry& registry, const Checkpointer& checkpointer);

}  // namespace tanda::admin
