// One message of the journal stream: the journal head the writer's node had when it published,
// the stream sequence its index had applied then (the last sequence it told JetStream to
// expect), and the write commands (storage/write_command.hpp) it carries, in order: a node puts
// the writes that wait at the same moment in one message (group commit). Every node must have
// that head when it starts applying the message, or the chain has forked; unless JetStream
// stored the message out of turn (see ClusterNode::check_head).
// Layout: u8 format = 2 | u64 LE head seq | 32-byte head hash | u64 LE applied stream seq |
// u32 LE count | count x (u32 LE length | command). Format 1 (before 2026-12-07) has no
// applied stream seq; it is still read.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "core/bytes.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::cluster {

struct JournalFrame {
    storage::JournalHead head;       // before the first command
    // The stream sequence the writer's index had applied (nullopt in format 1 messages).
    std::optional<std::uint64_t> written_after;
    std::vector<ByteView> commands;  // views into the message's bytes; at least one
};

void encode_frame(const storage::JournalHead& head, std::uint64_t written_after,
                  std::span<const ByteView> commands, Bytes& out);
// nullopt for a message of another format, without commands, truncated or with trailing bytes.
std::optional<JournalFrame> decode_frame(ByteView message);

}  // namespace tanda::cluster
