// ClusterNode: catching up and applying the stream as it grows. Writes: node_writes.cpp;
// status, readiness and metrics: node_status.cpp.
#include "cluster/cluster_node.hpp"

#include <algorithm>

#include "cluster/journal_frame.hpp"

namespace tanda::cluster {
namespace {

constexpr auto kReadWait = std::chrono::milliseconds(200);
// Behind the stream this long without applying anything: the reading is re-created from the
// applied sequence (the ordered consumer normally recovers by itself; this is the backstop).
constexpr auto kStuckAfter = std::chrono::seconds(2);
constexpr auto kRetryWait = std::chrono::milliseconds(500);
// A message stored out of turn is compared with at most this many messages before it (a
// leader change lets through the few in flight, not thousands).
constexpr std::uint64_t kMaxOutOfTurn = 1000;

std::string head_text(const storage::JournalHead& head) {
    return std::to_string(head.seq) + "/" + to_hex(head.hash);
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
                case Applied::stop:
                    return;
                case Applied::retry_later:
                    reading = false;
                    std::this_thread::sleep_for(kRetryWait);
                    break;
                default:
                    break;
            }
        }
        if (Clock::now() - last_poll >= kStreamPollEvery) {
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
                     {{"applied", std::to_string(complete)}, {"got", std::to_string(message.seq)}});
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
    } else if (auto check = check_head(message, *frame, *head); check.kind != HeadCheck::apply) {
        if (check.kind == HeadCheck::stop) {
            stop_applying(check.why);
            return Applied::stop;
        }
        if (check.kind == HeadCheck::retry_later) {
            logger_.warn("cannot check where a message starts; retrying",
                         {{"seq", seq_text}, {"error", check.why}});
            return Applied::retry_later;
        }
        if (auto skipped = index_.skip_replicated(message.seq, count); !skipped) {
            logger_.error("cannot record a skipped message; retrying",
                          {{"seq", seq_text}, {"error", skipped.error().message}});
            return Applied::retry_later;
        }
        note_applied(message.seq);
        applied_cv_.notify_all();
        return Applied::next;
    }
    for (std::uint32_t i = first; i < count; ++i) {
        auto done = index_.apply_replicated(frame->commands[i], {message.seq, i, count});
        if (done) continue;
        if (done.error().code == ErrorCode::incompatible) {
            stop_applying("stream sequence " + seq_text + ": " + done.error().message);
            return Applied::stop;
        }
        logger_.error(
            "cannot apply the cluster's journal; retrying",
            {{"seq", seq_text}, {"index", std::to_string(i)}, {"error", done.error().message}});
        return Applied::retry_later;
    }
    note_applied(message.seq);
    applied_cv_.notify_all();
    return Applied::next;
}

ClusterNode::HeadCheck ClusterNode::check_head(const StreamMessage& message,
                                               const JournalFrame& frame,
                                               const storage::JournalHead& head) {
    const std::string seq_text = std::to_string(message.seq);
    const bool in_turn = !frame.written_after || *frame.written_after + 1 == message.seq;
    if (in_turn && head.seq == frame.head.seq && head.hash == frame.head.hash) return {};
    if (!in_turn && *frame.written_after < message.seq) {
        // JetStream stored it after other messages although its writer expected none: its
        // expected-last-sequence check is made by the stream's leader before replication, and
        // two leaders in turn may each let one message through on the same sequence. Every
        // node applies it alike, on the state it has now (the commands check their
        // preconditions when applied); its writer's head must be in this node's journal.
        auto entry = index_.journal(frame.head.seq, 1);
        if (!entry) return {HeadCheck::retry_later, entry.error().message};
        const bool known = frame.head.seq == 0
                               ? frame.head.hash == storage::JournalHead{}.hash
                               : !entry->empty() && entry->front().seq == frame.head.seq &&
                                     entry->front().hash == frame.head.hash;
        if (known && frame.head.seq <= head.seq) {
            return check_second_copy(message, *frame.written_after);
        }
    }
    // An empty index meeting a stream that continues an existing journal (cluster init) is
    // not a fork, but it cannot go on either: it needs that journal first.
    const std::string hint = head.seq == 0 && message.seq == 1
                                 ? "; the stream continues an existing journal: start this node "
                                   "from a `tanda cluster snapshot` of a node of the cluster"
                                 : "";
    return {HeadCheck::stop, "the journal has forked: stream sequence " + seq_text +
                                 " was written on journal head " + head_text(frame.head) +
                                 ", this node's head is " + head_text(head) + hint};
}

ClusterNode::HeadCheck ClusterNode::check_second_copy(const StreamMessage& message,
                                                      std::uint64_t written_after) {
    const std::string seq_text = std::to_string(message.seq);
    // The same duplicate-window race lets a retry (same id, same bytes) through a second time;
    // a writer's retries re-encode the same frame, which no other publication can equal.
    if (message.seq - written_after > kMaxOutOfTurn) {
        return {HeadCheck::stop, "stream sequence " + seq_text + " was written after sequence " +
                                     std::to_string(written_after) + ", too far back to check"};
    }
    for (std::uint64_t seq = written_after + 1; seq < message.seq; ++seq) {
        auto earlier = stream_.message_at(seq);
        if (!earlier && earlier.error().code == ErrorCode::not_found) {
            const std::string gone = std::to_string(seq);
            return {HeadCheck::stop, "stream sequence " + seq_text + " was stored out of turn " +
                                         "and sequence " + gone + ", which it may repeat, is gone"};
        }
        if (!earlier) return {HeadCheck::retry_later, earlier.error().message};
        if (std::ranges::equal(*earlier, message.data)) {
            logger_.warn("skipping a second copy the stream stored of a message",
                         {{"seq", seq_text}, {"copy_of", std::to_string(seq)}});
            return {HeadCheck::skip, {}};
        }
    }
    logger_.warn("applying a message the stream stored out of turn",
                 {{"seq", seq_text}, {"written_after", std::to_string(written_after)}});
    return {};
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

}  // namespace tanda::cluster
