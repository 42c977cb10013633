// A journal checkpoint: the statement "entry `seq` of the journal has chain hash `head`", made at
// `time`. Signed by admin/'s Checkpointer (pki/cms_signed_data.hpp) and checked by
// `tanda verify --checkpoint`. The payload is a canonical text, so an auditor can read it with
// `openssl cms -verify` alone:
//
//   tanda-checkpoint 1
//   seq: 42
//   head: <64 lower-case hex digits>
//   time: 2026-12-06T18:40:00Z
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/sha256.hpp"

namespace tanda {

struct Checkpoint {
    std::uint64_t seq = 0;  // >= 1: a checkpoint of an empty journal proves nothing
    Sha256Digest head{};    // the chain hash of journal entry `seq`
    UnixSeconds time = 0;
    bool operator==(const Checkpoint&) const = default;
};

// The canonical payload text (above); format_checkpoint(parse_checkpoint(t)) == t.
std::string format_checkpoint(const Checkpoint& checkpoint);
// Exactly the canonical text: the four lines in order, each ending in '\n', seq a decimal >= 1
// without leading zeros, head lower-case hex. Anything else is ErrorCode::invalid_argument.
[[nodiscard]] Result<Checkpoint> parse_checkpoint(std::string_view text);

}  // namespace tanda
