// A file that appears at its path whole or not at all: written under a temporary name, then
// synced and renamed. For files too large to build in memory first (CRLs of millions of
// entries), written through fd().
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace tanda::pki {

class AtomicFile {
public:
    // A temporary file next to `path` (same filesystem, so the rename is atomic).
    [[nodiscard]] static Result<AtomicFile> create(const std::string& path, unsigned mode);
    AtomicFile(AtomicFile&& other) noexcept;
    AtomicFile& operator=(AtomicFile&&) = delete;
    AtomicFile(const AtomicFile&) = delete;
    ~AtomicFile();  // an uncommitted file is removed

    int fd() const { return fd_; }
    const std::string& path() const { return path_; }  // where commit puts it
    // Writes all of `bytes` at the current offset.
    [[nodiscard]] Result<void> write(std::string_view bytes);
    // fsync, rename to the path, fsync the directory: the content survives a crash once this
    // returns. Call once.
    [[nodiscard]] Result<void> commit();

private:
    Result<void> name_unnamed();
    AtomicFile(std::string path, std::string temp, int fd, unsigned mode)
        : path_(std::move(path)), temp_(std::move(temp)), fd_(fd), mode_(mode) {}
    std::string path_;
    std::string temp_;  // empty while unnamed (O_TMPFILE)
    int fd_ = -1;
    unsigned mode_ = 0644;
};

// Writes `text` to `path` atomically (an AtomicFile) with the given mode.
[[nodiscard]] Result<void> write_file_atomic(const std::string& path, std::string_view text,
                                             unsigned mode);

}  // namespace tanda::pki
