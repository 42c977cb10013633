#include "admin/notify_metrics.hpp"

namespace tanda::admin {

void add_notify_metrics(metrics::Registry& registry,
                        const std::vector<std::unique_ptr<Notifier>>& notifiers) {
    if (notifiers.empty()) return;
    registry.add([&notifiers](metrics::Exposition& out) {
        auto family = [&](std::string_view name, std::string_view type, std::string_view help,
                          double (*value)(const Notifier&)) {
            out.family(name, type, help);
            for (const auto& n : notifiers) {
                out.sample(name, {{"target", n->name()}}, value(*n));
            }
        };
        family("tanda_notify_backlog_entries", "gauge",
               "Journal entries not yet passed by the webhook target's delivery.",
               [](const Notifier& n) { return static_cast<double>(n.backlog()); });
        family("tanda_notify_oldest_undelivered_age_seconds", "gauge",
               "Age of the oldest webhook event not yet acknowledged by the target; 0 when none.",
               [](const Notifier& n) { return n.oldest_age_seconds(); });
        family("tanda_notify_delivery_failures_total", "counter",
               "Webhook delivery attempts that failed (no answer, or not 2xx), by target.",
               [](const Notifier& n) { return static_cast<double>(n.failures()); });
        family("tanda_notify_delivered_total", "counter",
               "Webhook events the target acknowledged with 2xx.",
               [](const Notifier& n) { return static_cast<double>(n.delivered()); });
        family("tanda_notify_delivering", "gauge",
               "1 while this node delivers the target's events (always on a single node; in a "
               "cluster while it holds the target's lease).",
               [](const Notifier& n) { return n.delivering() ? 1.0 : 0.0; });
    });
}

}  // namespace tanda::admin
