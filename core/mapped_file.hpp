// A file's bytes mapped read-only: served and read without a copy in this process's heap, the
// pages shared with the page cache (RssFile, reclaimable), not anonymous memory.
#pragma once

#include <string>

#include "core/result.hpp"
#include "core/shared_bytes.hpp"

namespace tanda {

// The file's bytes, read into memory when smaller than `map_from` bytes, mapped otherwise: a
// mapped file truncated in place by someone else faults (SIGBUS) when read, so only files too
// large for memory are mapped.
[[nodiscard]] Result<SharedBytes> load_file(const std::string& path, std::size_t map_from);
// The whole file open at `fd` (not kept open), mapped read-only as it is now: a file replaced
// later by rename (atomic writes) leaves the mapping on the old content. ErrorCode::io when it
// cannot be mapped; messages name `path`.
[[nodiscard]] Result<SharedBytes> map_file(int fd, const std::string& path);

}  // namespace tanda
