// One message of the journal stream: the journal head the writer's node had when it published
// (every node must have that head when it starts applying the message, or the chain has forked)
// and the write commands (storage/write_command.hpp) it carries, in order: a node puts the writes
// that wait at the same moment in one message (group commit). Layout: u8 format = 1 | u64 LE
// head seq | 32-byte head hash | u32 LE count | count x (u32 LE length | command).
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "core/bytes.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::cluster {

struct JournalFrame {
    storage::JournalHead head;       // before the first command
    std::vector<ByteView> commands;  // views into the message's bytes; at least one
};

void encode_frame(const storage::JournalHead& head, std::span<const ByteView> commands, Bytes& out);
// nullopt for a message of another format, without commands, truncated or with trailing bytes.
std::optional<JournalFrame> decode_frame(ByteView message);

}  // namespace tanda::cluster
