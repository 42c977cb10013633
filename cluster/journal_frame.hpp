// One message of the journal stream: the journal head the writer's node had when it published
// (every node must have that head when it applies the message, or the chain has forked) and the
// write command (storage/write_command.hpp). Layout: u8 format = 1 | u64 LE head seq | 32-byte
// head hash | command.
#pragma once

#include <optional>

#include "core/bytes.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::cluster {

struct JournalFrame {
    storage::JournalHead head;  // before the command
    ByteView command;           // a view into the frame's bytes
};

void encode_frame(const storage::JournalHead& head, ByteView command, Bytes& out);
// nullopt for a message of another format or too short.
std::optional<JournalFrame> decode_frame(ByteView message);

}  // namespace tanda::cluster
