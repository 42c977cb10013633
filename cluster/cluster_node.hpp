// A node of a Tanda cluster: its writes go through the journal stream (storage::Replicator), and
// a thread applies every other node's writes from the stream, in order, into the local index
// (DESIGN.md, "Growing past one machine"). Before applying a message it checks that the local
// journal head is the head the writer had: a node whose chain differs has forked, stops
// applying, logs it and fails /readyz for good, and never serves from a forked state.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cluster/cluster_options.hpp"
#include "cluster/journal_frame.hpp"
#include "cluster/journal_stream.hpp"
#include "core/logger.hpp"
#include "core/metrics.hpp"
#include "core/readiness_check.hpp"
#include "storage/replicator.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::cluster {

// What /metrics and /readyz show of the node.
struct ClusterStatus {
    std::uint64_t applied_seq = 0;
    std::uint64_t stream_seq = 0;    // the stream's last sequence, when last asked
    double lag_seconds = 0;          // how long the node has been behind the stream; 0 when not
    double unreachable_seconds = 0;  // since the stream last answered; 0 when it answers
    bool connected = false;
    std::string stopped;          // why applying stopped for good (a fork); empty when not
    std::uint64_t conflicts = 0;  // writes that lost their place to another node's and retried
};

class ClusterNode final : public storage::Replicator {
public:
    ClusterNode(JournalStream& stream, storage::RevocationIndex& index, ClusterOptions options,
                Logger& logger);
    ~ClusterNode() override;  // stops the applying thread
    ClusterNode(const ClusterNode&) = delete;
    ClusterNode& operator=(const ClusterNode&) = delete;

    // Writes that wait at the same moment go out as one stream message (group commit): one
    // quorum round trip for all of them, applied here in their order.
    Result<void> replicate(ByteView command,
                           const std::function<void(storage::StreamPosition)>& apply) override;

    // Applies the stream up to its current end, waiting at most `within`; an error when the
    // stream cannot be reached or read in time (the node may still start and catch up later).
    Result<void> catch_up(std::chrono::milliseconds within);
    // Starts the thread that applies the stream as it grows.
    void start();

    ClusterStatus status() const;
    // nullopt when ready: applying, reachable and within max_lag of the stream.
    std::optional<std::string> readiness_problem() const;
    ReadinessCheck readiness_check() const;
    // tanda_cluster_* gauges and counters.
    void add_metrics(metrics::Registry& registry) const;

private:
    using Clock = std::chrono::steady_clock;
    // How often the applying thread asks the stream for its last sequence.
    static constexpr auto kStreamPollEvery = std::chrono::milliseconds(500);
    enum class Applied { next, skipped, retry_later, stop };
    struct QueuedWrite {
        ByteView command;
        const std::function<void(storage::StreamPosition)>* apply;
        std::optional<Result<void>> result;  // set when its message was stored or failed
    };

    Result<void> publish_batch(const std::vector<QueuedWrite*>& batch);
    void run(std::stop_token stop);
    Applied apply_message(const StreamMessage& message);
    // Whether `message` (its frame `frame`) starts on this node's journal head `head`: apply
    // it, skip it (a second copy the stream stored of an earlier message), read it again
    // later, or stop (a fork), with the reason.
    struct HeadCheck {
        enum Kind { apply, skip, retry_later, stop } kind = apply;
        std::string why;
    };
    HeadCheck check_head(const StreamMessage& message, const JournalFrame& frame,
                         const storage::JournalHead& head);
    // Out of turn: whether one of the messages after the writer's applied sequence is the
    // same publication (a retry JetStream stored again across a leader change).
    HeadCheck check_second_copy(const StreamMessage& message, std::uint64_t written_after);
    void poll_stream();
    void stop_applying(const std::string& why);
    void note_applied(std::uint64_t seq);

    JournalStream& stream_;
    storage::RevocationIndex& index_;
    ClusterOptions options_;
    Logger& logger_;

    std::mutex queue_mutex_;  // guards queue_ and leading_
    std::condition_variable queue_cv_;
    std::deque<QueuedWrite*> queue_;  // writes waiting for a message
    bool leading_ = false;            // a write is publishing a message now

    std::mutex apply_mutex_;  // one applier at a time: the writer or the thread
    std::condition_variable_any applied_cv_;

    mutable std::mutex status_mutex_;
    std::uint64_t applied_seq_ = 0;
    std::uint64_t stream_seq_ = 0;
    std::optional<Clock::time_point> behind_since_;
    Clock::time_point last_contact_;
    Clock::time_point last_progress_;
    std::string stopped_;
    std::uint64_t conflicts_ = 0;

    std::jthread thread_;  // last: stopped before the members it uses
};

}  // namespace tanda::cluster
