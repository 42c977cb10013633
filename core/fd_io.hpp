// Whole writes, positioned reads and in-kernel copies on file descriptors, for files read or
// written without holding them whole in memory (atomic files, spilled CRL entries, mapped files).
#pragma once

#include <string>

#include "core/bytes.hpp"
#include "core/result.hpp"

namespace tanda::fd_io {

// Writes all of `bytes` at fd's offset, retrying short writes. ErrorCode::io naming `what`.
[[nodiscard]] Result<void> write_all(int fd, ByteView bytes, const std::string& what);
// Reads exactly out.size() bytes at `offset`. ErrorCode::io naming `what` (short file too).
[[nodiscard]] Result<void> read_exactly(int fd, std::span<std::byte> out, std::size_t offset,
                                        const std::string& what);
// Appends `length` bytes of `from`, from its start, at `to`'s offset (copy_file_range, else
// read and write).
[[nodiscard]] Result<void> copy_prefix(int from, int to, std::size_t length,
                                       const std::string& what);
// An unnamed read-write file in `dir` (O_TMPFILE, else created and unlinked at once): gone with
// its descriptor. ErrorCode::io.
[[nodiscard]] Result<int> unnamed_file(const std::string& dir);

}  // namespace tanda::fd_io
