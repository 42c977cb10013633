// ClusterNode's status for /metrics and /readyz.
#include <algorithm>

#include "cluster/cluster_node.hpp"

namespace tanda::cluster {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

ClusterStatus ClusterNode::status() const {
    std::lock_guard lock(status_mutex_);
    ClusterStatus s;
    s.applied_seq = applied_seq_;
    s.stream_seq = stream_seq_;
    s.lag_seconds = behind_since_ ? seconds_since(*behind_since_) : 0.0;
    double silent = seconds_since(last_contact_);
    // The stream is asked every kStreamPollEvery; silence beyond two polls means no answer.
    const double two_polls = 2 * std::chrono::duration<double>(kStreamPollEvery).count();
    s.unreachable_seconds = silent > two_polls ? silent : 0.0;
    s.connected = stream_.connected();
    s.stopped = stopped_;
    s.conflicts = conflicts_;
    return s;
}

std::optional<std::string> ClusterNode::readiness_problem() const {
    ClusterStatus s = status();
    const double max_lag = static_cast<double>(options_.max_lag.count());
    if (!s.stopped.empty()) return "cluster: stopped applying the journal: " + s.stopped;
    if (s.unreachable_seconds > max_lag) {
        return "cluster: the journal stream has not answered for " +
               std::to_string(static_cast<long>(s.unreachable_seconds)) + " s";
    }
    if (s.lag_seconds > max_lag) {
        return "cluster: " + std::to_string(s.stream_seq - std::min(s.stream_seq, s.applied_seq)) +
               " entries behind the journal stream for " +
               std::to_string(static_cast<long>(s.lag_seconds)) + " s";
    }
    return std::nullopt;
}

ReadinessCheck ClusterNode::readiness_check() const {
    return {"cluster", [this] { return readiness_problem(); }};
}

void ClusterNode::add_metrics(metrics::Registry& registry) const {
    registry.add([this](metrics::Exposition& out) {
        ClusterStatus s = status();
        out.gauge("tanda_cluster_applied_seq", "Last stream sequence applied to this node's index.",
                  static_cast<double>(s.applied_seq));
        out.gauge("tanda_cluster_stream_seq",
                  "The journal stream's last sequence, when last asked.",
                  static_cast<double>(s.stream_seq));
        out.gauge("tanda_cluster_lag_entries", "Stream entries not yet applied here.",
                  static_cast<double>(s.stream_seq - std::min(s.stream_seq, s.applied_seq)));
        out.gauge("tanda_cluster_lag_seconds",
                  "How long this node has been behind the stream (0 when it is not).",
                  s.lag_seconds);
        out.gauge("tanda_cluster_unreachable_seconds",
                  "Since the journal stream last answered (0 while it answers).",
                  s.unreachable_seconds);
        out.gauge("tanda_cluster_connected", "1 while connected to a NATS server.",
                  s.connected ? 1.0 : 0.0);
        out.gauge("tanda_cluster_apply_stopped",
                  "1 when this node stopped applying the journal for good (a fork).",
                  s.stopped.empty() ? 0.0 : 1.0);
        out.counter("tanda_cluster_write_conflicts_total",
                    "Writes that lost their place in the stream to another node's and retried.",
                    static_cast<double>(s.conflicts));
    });
}

}  // namespace tanda::cluster
