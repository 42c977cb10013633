// ClusterNode's write path: group commit of the writes waiting on this node into one stream
// message, published with the expected-last-sequence check, applied here once stored.
#include <algorithm>
#include <random>

#include "cluster/cluster_node.hpp"
#include "cluster/journal_frame.hpp"

namespace tanda::cluster {
namespace {

constexpr auto kConflictWait = std::chrono::milliseconds(50);
constexpr auto kFirstBackoff = std::chrono::milliseconds(50);
constexpr auto kMaxBackoff = std::chrono::milliseconds(800);
// A message carries at most this many writes, and about this many bytes (NATS's default
// max_payload is 1 MiB; an import's commit of 10,000 certificates alone may exceed it).
constexpr std::size_t kMaxBatch = 256;
constexpr std::size_t kMaxBatchBytes = 512 * 1024;

// 128 random bits in hex: a write's id for JetStream's duplicate detection.
std::string random_id() {
    thread_local std::mt19937_64 bits{std::random_device{}()};
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (int word = 0; word < 2; ++word) {
        std::uint64_t v = bits();
        for (int i = 0; i < 16; ++i, v >>= 4) out.push_back(kHex[v & 0xF]);
    }
    return out;
}

}  // namespace

Result<void> ClusterNode::replicate(ByteView command,
                                    const std::function<void(storage::StreamPosition)>& apply) {
    QueuedWrite mine{command, &apply, std::nullopt};
    std::unique_lock queue(queue_mutex_);
    queue_.push_back(&mine);
    for (;;) {
        if (mine.result) return *mine.result;
        if (leading_) {
            queue_cv_.wait(queue);
            continue;
        }
        // No write is in flight: this one leads, taking every write waiting now (its own
        // first unless the queue is long) into one stream message.
        leading_ = true;
        std::vector<QueuedWrite*> batch;
        std::size_t bytes = 0;
        while (!queue_.empty() && batch.size() < kMaxBatch &&
               (batch.empty() || bytes + queue_.front()->command.size() <= kMaxBatchBytes)) {
            bytes += queue_.front()->command.size();
            batch.push_back(queue_.front());
            queue_.pop_front();
        }
        queue.unlock();
        Result<void> done = publish_batch(batch);
        queue.lock();
        for (QueuedWrite* write : batch) write->result = done;
        leading_ = false;
        queue_cv_.notify_all();
    }
}

Result<void> ClusterNode::publish_batch(const std::vector<QueuedWrite*>& batch) {
    const auto deadline = Clock::now() + options_.write_timeout;
    // One id for every attempt of this message: a retry after a lost answer finds the first.
    const std::string id = options_.node + "-" + random_id();
    std::vector<ByteView> commands;
    for (const QueuedWrite* write : batch) commands.push_back(write->command);
    const auto count = static_cast<std::uint32_t>(commands.size());
    auto backoff = kFirstBackoff;
    std::unique_lock lock(apply_mutex_);
    Bytes frame;
    for (;;) {
        {
            std::lock_guard status(status_mutex_);
            if (!stopped_.empty()) {
                return fail(ErrorCode::unavailable,
                            "this node stopped applying the cluster's "
                            "journal (" +
                                stopped_ + ")");
            }
        }
        auto applied = index_.applied_stream_position();
        if (!applied) return tl::unexpected(applied.error());
        auto head = index_.journal_head();
        if (!head) return tl::unexpected(head.error());
        Result<JournalStream::Stored> stored = fail(ErrorCode::conflict, "");
        if (applied->completes_message()) {  // else the thread is in the middle of a message
            encode_frame(*head, applied->seq, commands, frame);
            stored = stream_.publish(frame, applied->seq, id);
        }
        if (stored && stored->seq == applied->seq + 1) {
            for (std::uint32_t i = 0; i < count; ++i) {
                (*batch[i]->apply)(storage::StreamPosition{stored->seq, i, count});
            }
            note_applied(stored->seq);
            return {};
        }
        if (stored) {
            // An earlier attempt was stored, and the thread has applied it since: the writes
            // happened, but their results went there.
            return fail(ErrorCode::unavailable,
                        "the write was stored at stream sequence " + std::to_string(stored->seq) +
                            " but its answer was lost; ask again (admin requests are "
                            "idempotent by request id)");
        }
        const bool lost_place = stored.error().code == ErrorCode::conflict;
        if (lost_place) {
            std::lock_guard status(status_mutex_);
            ++conflicts_;
        }
        if (Clock::now() >= deadline) {
            if (!lost_place) return tl::unexpected(stored.error());
            return fail(ErrorCode::unavailable,
                        "other nodes kept writing for " +
                            std::to_string(options_.write_timeout.count()) +
                            " s; this write got no place in the cluster's journal, retry it");
        }
        // Another node wrote first: the thread applies its writes (woken by the stream), then
        // these are tried again on the new state, their preconditions checked when applied.
        // Otherwise the stream is electing a leader or this node is reconnecting: back off.
        applied_cv_.wait_for(lock, lost_place ? kConflictWait : backoff);
        if (!lost_place) backoff = std::min(backoff * 2, kMaxBackoff);
    }
}

}  // namespace tanda::cluster
