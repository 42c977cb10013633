// What a cluster gives the index: one order for every write of every node. With a replicator
// attached (RevocationIndex::set_replicator), each write method becomes a write command
// (storage/write_command.hpp) that the replicator puts in the shared order; the write runs
// locally at its place in that order, here for the caller and on every other node through
// RevocationIndex::apply_replicated. cluster/ implements it on NATS JetStream.
#pragma once

#include <cstdint>
#include <functional>

#include "core/bytes.hpp"
#include "core/result.hpp"

namespace tanda::storage {

// A write command's place in the cluster's order: the stream message, and the command's index
// among the `count` commands that message carries (a node batches concurrent writes into one).
struct StreamPosition {
    std::uint64_t seq = 0;
    std::uint32_t index = 0;
    std::uint32_t count = 1;

    bool completes_message() const { return index + 1 == count; }
};

class Replicator {
public:
    virtual ~Replicator() = default;

    // Puts `command` in the order and calls `apply` with its position once everything before
    // it was applied here; returns after `apply` returned. When the command
    // cannot be ordered, `apply` is never called and the result is an error
    // (ErrorCode::unavailable): nothing was written, or, when the answer was lost, the write may
    // still arrive later like any other node's (admin requests are idempotent by request id).
    virtual Result<void> replicate(ByteView command,
                                   const std::function<void(StreamPosition)>& apply) = 0;
};

}  // namespace tanda::storage
