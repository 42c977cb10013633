// Prometheus figures of the webhook outbox, read from the notifiers at each scrape.
#pragma once

#include <memory>
#include <vector>

#include "admin/notifier.hpp"
#include "core/metrics.hpp"

namespace tanda::admin {

// Per target (label `target`, the config's name): tanda_notify_backlog_entries (journal entries
// not yet passed), tanda_notify_oldest_undelivered_age_seconds (0 when nothing waits),
// tanda_notify_delivery_failures_total and tanda_notify_delivered_total. `notifiers` must
// outlive `registry`'s scrapes; nothing is added when it is empty.
void add_notify_metrics(metrics::Registry& registry,
                        const std::vector<std::unique_ptr<Notifier>>& notifiers);

}  // namespace tanda::admin
