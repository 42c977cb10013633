// A call of one of RevocationIndex's write methods as bytes: what a cluster node puts in the
// replicated journal stream so that every node runs the same write, in the same order, with the
// same arguments (including `now`), and so folds the same records and hash chain
// (DESIGN.md, "Growing past one machine"; layout in FORMAT.md, "Write commands").
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "core/result.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::storage {

struct EnsureIssuerCommand {
    Bytes identity;
    std::string name;
};
struct CommitCommand {
    std::vector<Change> changes;
    Provenance provenance;
    UnixSeconds now = 0;
};
struct SubmitCommand {
    PendingRequest request;
    UnixSeconds now = 0;
};
struct ApproveCommand {
    std::string id;
    Change change;
    Provenance provenance;
    UnixSeconds now = 0;
};
struct ClosePendingCommand {
    std::string id;
    PendingState outcome = PendingState::rejected;
    Provenance provenance;
    UnixSeconds now = 0;
};
struct AppendAuditCommand {
    Change change;
    Provenance provenance;
    UnixSeconds now = 0;
    std::string meta_key{};  // append_audit_with_meta; empty for append_audit
    std::string meta_value{};
};
struct PutMetaCommand {
    std::string key;
    std::string value;
};
// next_meta_counter (raise = false) and raise_meta_counter (raise = true).
struct MetaCounterCommand {
    std::string key;
    std::uint64_t value = 0;
    bool raise = false;
};

using WriteCommand =
    std::variant<EnsureIssuerCommand, CommitCommand, SubmitCommand, ApproveCommand,
                 ClosePendingCommand, AppendAuditCommand, PutMetaCommand, MetaCounterCommand>;

void encode_command(const WriteCommand& command, Bytes& out);
// ErrorCode::incompatible for anything malformed, truncated, with trailing bytes or of an
// unknown format or kind (a newer node's command).
Result<WriteCommand> decode_command(ByteView bytes);

}  // namespace tanda::storage
