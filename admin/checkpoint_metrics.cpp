#include "admin/checkpoint_metrics.hpp"

namespace tanda::admin {

void add_checkpoint_metrics(metrics::Registry& registry, const Checkpointer& checkpointer) {
    registry.add([&checkpointer](metrics::Exposition& out) {
        const auto last = checkpointer.latest();
        const double seq = last ? static_cast<double>(last->checkpoint.seq) : 0;
        const double time = last ? static_cast<double>(last->checkpoint.time) : 0;
        out.family("tanda_checkpoint_last_seq", "gauge",
                   "Journal seq signed by the last checkpoint; 0 when none.");
        out.sample("tanda_checkpoint_last_seq", seq);
        out.family("tanda_checkpoint_last_time_seconds", "gauge",
                   "Unix time of the last signed journal checkpoint; 0 when none.");
        out.sample("tanda_checkpoint_last_time_seconds", time);
    });
}

}  // namespace tanda::admin
