#include "cluster/cluster_node.hpp"

#include "cluster/journal_frame.hpp"

#include <algorithm>
#include <random>

namespace tanda::cluster {
namespace {

constexpr auto kReadWait = std::chrono::milliseconds(200);
constexpr auto kPollEvery = std::chrono::milliseconds(500);
// Behind the stream this long without applying anything: the reading is re-created from the
// applied sequence (the ordered consumer normally recovers by itself; this is the backstop).
constexpr auto kStuckAfter = std::chrono::seconds(2);
constexpr auto kRetryWait = std::chrono::milliseconds(500);
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

std::string head_text(const storage::JournalHead& head) {
    return std::to_string(head.seq) + "/" + to_hex(head.hash);
}

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

ClusterNode::ClusterNode(JournalStream& stream, storage::RevocationIndex& index,
                         ClusterOptions options, Logger& logger)
    : stream_(stream), index_(index), options_(std::move(options)), logger_(logger) {
    auto applied = index_.applied_stream_seq();
    applied_seq_ = applied ? *applied : 0;
    last_contact_ = last_progress_ = Clock::now();
}

ClusterNode::~ClusterNode() {
    if (thread_.joinable()) {
        thread_.request_stop();
        thread_.join();
    }
}

void ClusterNode::start() {
    thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

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
                return fail(ErrorCode::unavailable, "this node stopped applying the cluster's "
                                                    "journal (" + stopped_ + ")");
            }
        }
        auto applied = index_.applied_stream_position();
        if (!applied) return tl::unexpected(applied.error());
        auto head = index_.journal_head();
        if (!head) return tl::unexpected(head.error());
        Result<JournalStream::Stored> stored = fail(ErrorCode::conflict, "");
        if (applied->completes_message()) {  // else the thread is in the middle of a message
            encode_frame(*head, commands, frame);
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

Result<void> ClusterNode::catch_up(std::chrono::milliseconds within) {
    const auto deadline = Clock::now() + within;
    auto last = stream_.last_seq();
    while (!last && Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        last = stream_.last_seq();
    }
    if (!last) return tl::unexpected(last.error());
    {
        std::lock_guard status(status_mutex_);
        stream_seq_ = *last;
        last_contact_ = Clock::now();
    }
    auto applied = index_.applied_stream_seq();
    if (!applied) return tl::unexpected(applied.error());
    if (*applied >= *last) return {};
    if (auto r = stream_.read_from(*applied + 1); !r) return r;
    while (Clock::now() < deadline) {
        auto message = stream_.next(kReadWait);
        if (!message) return tl::unexpected(message.error());
        if (!*message) continue;
        auto outcome = apply_message(**message);
        if (outcome == Applied::stop) return fail(ErrorCode::incompatible, status().stopped);
        if (outcome == Applied::retry_later) {
            return fail(ErrorCode::storage, "stream sequence " + std::to_string((*message)->seq) +
                                                " could not be applied");
        }
        if ((*message)->seq >= *last) return {};
    }
    return fail(ErrorCode::unavailable, "still behind the cluster's journal after " +
                                            std::to_string(within.count()) + " ms");
}

void ClusterNode::run(std::stop_token stop) {
    bool reading = false;
    auto last_poll = Clock::time_point{};
    while (!stop.stop_requested()) {
        if (!reading) {
            auto applied = index_.applied_stream_seq();
            auto started = applied ? stream_.read_from(*applied + 1)
                                   : Result<void>(tl::unexpected(applied.error()));
            if (!started) {
                logger_.warn("cannot read the cluster's journal stream",
                             {{"error", started.error().message}});
                std::this_thread::sleep_for(kRetryWait);
                poll_stream();
                continue;
            }
            reading = true;
        }
        auto message = stream_.next(kReadWait);
        if (!message) {
            reading = false;
        } else if (*message) {
            switch (apply_message(**message)) {
                case Applied::stop: return;
                case Applied::retry_later:
                    reading = false;
                    std::this_thread::sleep_for(kRetryWait);
                    break;
                default: break;
            }
        }
        if (Clock::now() - last_poll >= kPollEvery) {
            last_poll = Clock::now();
            poll_stream();
            std::lock_guard status(status_mutex_);
            if (behind_since_ && Clock::now() - last_progress_ > kStuckAfter &&
                Clock::now() - *behind_since_ > kStuckAfter) {
                reading = false;
                last_progress_ = Clock::now();
            }
        }
    }
}

ClusterNode::Applied ClusterNode::apply_message(const StreamMessage& message) {
    std::lock_guard lock(apply_mutex_);
    auto applied = index_.applied_stream_position();
    if (!applied) {
        logger_.error("cannot read the applied stream position",
                      {{"error", applied.error().message}});
        return Applied::retry_later;
    }
    const std::uint64_t complete = applied->completes_message() ? applied->seq : applied->seq - 1;
    if (message.seq <= complete) return Applied::skipped;  // this node wrote it, or a re-read
    if (message.seq != complete + 1) {
        logger_.warn("gap in the cluster's journal stream; reading again",
                     {{"applied", std::to_string(complete)},
                      {"got", std::to_string(message.seq)}});
        return Applied::retry_later;
    }
    const std::string seq_text = std::to_string(message.seq);
    auto frame = decode_frame(message.data);
    if (!frame) {
        stop_applying("stream sequence " + seq_text + " is not a Tanda journal message");
        return Applied::stop;
    }
    const auto count = static_cast<std::uint32_t>(frame->commands.size());
    // A message this node stopped in the middle of (a storage failure) goes on where it stopped;
    // a new one must start on the writer's journal head.
    std::uint32_t first = 0;
    if (applied->seq == message.seq) {
        if (applied->count != count) {
            stop_applying("stream sequence " + seq_text + " changed its number of writes");
            return Applied::stop;
        }
        first = applied->index + 1;
    } else if (auto head = index_.journal_head(); !head) {
        return Applied::retry_later;
    } else if (head->seq != frame->head.seq || head->hash != frame->head.hash) {
        // An empty index meeting a stream that continues an existing journal (cluster init)
        // is not a fork, but it cannot go on either: it needs that journal first.
        const std::string hint =
            head->seq == 0 && message.seq == 1
                ? "; the stream continues an existing journal: start this node from a "
                  "`tanda cluster snapshot` of a node of the cluster"
                : "";
        stop_applying("the journal has forked: stream sequence " + seq_text +
                      " was written on journal head " + head_text(frame->head) +
                      ", this node's head is " + head_text(*head) + hint);
        return Applied::stop;
    }
    for (std::uint32_t i = first; i < count; ++i) {
        auto done = index_.apply_replicated(frame->commands[i], {message.seq, i, count});
        if (done) continue;
        if (done.error().code == ErrorCode::incompatible) {
            stop_applying("stream sequence " + seq_text + ": " + done.error().message);
            return Applied::stop;
        }
        logger_.error("cannot apply the cluster's journal; retrying",
                      {{"seq", seq_text}, {"index", std::to_string(i)},
                       {"error", done.error().message}});
        return Applied::retry_later;
    }
    note_applied(message.seq);
    applied_cv_.notify_all();
    return Applied::next;
}

void ClusterNode::note_applied(std::uint64_t seq) {
    std::lock_guard status(status_mutex_);
    applied_seq_ = seq;
    last_progress_ = Clock::now();
    if (seq > stream_seq_) stream_seq_ = seq;
    if (applied_seq_ >= stream_seq_) behind_since_.reset();
}

void ClusterNode::poll_stream() {
    auto last = stream_.last_seq();
    std::lock_guard status(status_mutex_);
    if (!last) return;
    last_contact_ = Clock::now();
    stream_seq_ = std::max(stream_seq_, *last);
    if (applied_seq_ < stream_seq_) {
        if (!behind_since_) behind_since_ = Clock::now();
    } else {
        behind_since_.reset();
    }
}

void ClusterNode::stop_applying(const std::string& why) {
    logger_.error("cluster node stopped applying the journal; it is not ready until repaired",
                  {{"reason", why}});
    std::lock_guard status(status_mutex_);
    stopped_ = why;
}

ClusterStatus ClusterNode::status() const {
    std::lock_guard lock(status_mutex_);
    ClusterStatus s;
    s.applied_seq = applied_seq_;
    s.stream_seq = stream_seq_;
    s.lag_seconds = behind_since_ ? seconds_since(*behind_since_) : 0.0;
    double silent = seconds_since(last_contact_);
    // The stream is asked every kPollEvery; silence beyond two polls means it did not answer.
    s.unreachable_seconds = silent > 2 * std::chrono::duration<double>(kPollEvery).count() ? silent : 0.0;
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
        out.gauge("tanda_cluster_stream_seq", "The journal stream's last sequence, when last asked.",
                  static_cast<double>(s.stream_seq));
        out.gauge("tanda_cluster_lag_entries", "Stream entries not yet applied here.",
                  static_cast<double>(s.stream_seq - std::min(s.stream_seq, s.applied_seq)));
        out.gauge("tanda_cluster_lag_seconds",
                  "How long this node has been behind the stream (0 when it is not).", s.lag_seconds);
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
