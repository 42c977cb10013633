// `tanda verify --checkpoint FILE`: the signed checkpoint's part of the offline verification.
#pragma once

#include <optional>
#include <string>

#include "storage/revocation_index.hpp"

namespace tanda::cli {

inline constexpr int kExitCheckpointInvalid = 4;  // not a checkpoint signed by that certificate
inline constexpr int kExitHistoryRewritten = 5;   // the journal disagrees with the checkpoint

// Checks that `file` is a checkpoint signed by the certificate at `cert_path`, and that the
// index's journal entry at its seq has the hash it signs. Call after the hash chain verified,
// so every entry up to that one is bound to it. Prints what it found; returns the exit code to
// stop with, or nullopt when the checkpoint holds.
std::optional<int> verify_checkpoint(const storage::RevocationIndex& index, const std::string& file,
                                     const std::string& cert_path);

}  // namespace tanda::cli
