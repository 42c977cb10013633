// The checkpoint directory: one DER CMS SignedData per checkpoint, named checkpoint-<seq>.p7s.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/bytes.hpp"
#include "core/result.hpp"

namespace tanda::admin {

std::string checkpoint_file_name(std::uint64_t seq);

// Writes `signed_data` as <directory>/checkpoint-<seq>.p7s atomically (temp, fsync, rename),
// mode 0644: a checkpoint is a public statement. Returns the path.
[[nodiscard]] Result<std::string> write_checkpoint_file(const std::string& directory,
                                                        std::uint64_t seq, ByteView signed_data);

struct StoredCheckpoint {
    std::uint64_t seq = 0;
    std::string path;
    Bytes signed_data;
};
// The file with the highest seq in `directory`, if any (a missing directory has none).
[[nodiscard]] Result<std::optional<StoredCheckpoint>> newest_checkpoint_file(
    const std::string& directory);

}  // namespace tanda::admin
