// The NATS JetStream stream that orders every node's writes (DESIGN.md, "Growing past one
// machine"): the connection (reconnecting for ever), creating the stream on first use, publishing
// with the expected-last-sequence check, and reading it in order from a sequence on. libnats
// stays in this file's .cpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "cluster/cluster_options.hpp"
#include "core/bytes.hpp"
#include "core/result.hpp"

namespace tanda::cluster {

struct StreamMessage {
    std::uint64_t seq = 0;
    std::int64_t timestamp_ns = 0;  // when the stream stored it
    std::uint64_t pending = 0;      // messages after this one at delivery
    Bytes data;
};

class JournalStream {
public:
    // Starts connecting (a server that is down is retried in the background, for ever); the
    // stream is created, or checked, on first use.
    [[nodiscard]] static Result<std::unique_ptr<JournalStream>> open(const ClusterOptions& options);
    ~JournalStream();
    JournalStream(const JournalStream&) = delete;
    JournalStream& operator=(const JournalStream&) = delete;

    // Stores `data` as the message after `expected_last` (JetStream's expected-last-sequence
    // check) on a quorum of the stream's replicas and returns its sequence. `id` makes a retry
    // of a publication whose answer was lost return the first one's sequence (JetStream's
    // duplicate window) instead of storing it twice. Another writer's message there first:
    // ErrorCode::conflict. No quorum, no connection, or no answer within write_timeout:
    // ErrorCode::unavailable.
    struct Stored {
        std::uint64_t seq = 0;
        bool duplicate = false;  // stored by an earlier publication with the same id
    };
    [[nodiscard]] Result<Stored> publish(ByteView data, std::uint64_t expected_last,
                                         const std::string& id);
    // The stream's last sequence (ErrorCode::unavailable when it cannot be asked).
    [[nodiscard]] Result<std::uint64_t> last_seq();
    // The data of the message stored at `seq`: ErrorCode::not_found when the stream no longer
    // (or never) held one there, ErrorCode::unavailable when it cannot be asked.
    [[nodiscard]] Result<Bytes> message_at(std::uint64_t seq);
    // Reads from `seq` on (an ordered consumer: in order, without gaps, re-created by the
    // client after a reconnect). Replaces any earlier reading.
    [[nodiscard]] Result<void> read_from(std::uint64_t seq);
    // The next message read, nullopt when none came within `wait`.
    [[nodiscard]] Result<std::optional<StreamMessage>> next(std::chrono::milliseconds wait);
    bool connected() const;

private:
    friend class KeyValueBucket;  // a bucket uses the same connection
    struct Impl;
    explicit JournalStream(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace tanda::cluster
