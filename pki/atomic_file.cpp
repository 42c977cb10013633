// AtomicFile and write_file_atomic: readers see either the old file or the complete new one,
// never a torn write, and the new content survives a crash once commit returns.
#include "pki/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "core/fd_io.hpp"
#include "pki/certificate.hpp"

namespace tanda::pki {
namespace {

tl::unexpected<Error> errno_fail(const std::string& what) {
    return fail(ErrorCode::io, what + ": " + std::strerror(errno));
}

std::string parent_dir(const std::string& path) {
    auto slash = path.rfind('/');
    if (slash == std::string::npos) {
        return ".";
    }
    return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

Result<AtomicFile> AtomicFile::create(const std::string& path, unsigned mode) {
    // Unnamed until commit (O_TMPFILE): a process killed while writing a large file (a CRL of
    // millions of entries takes seconds) leaves nothing behind.
    int unnamed = ::open(parent_dir(path).c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (unnamed >= 0) return AtomicFile(path, std::string(), unnamed, mode);
    std::string temp = path + ".tmp.XXXXXX";
    int fd = ::mkostemp(temp.data(), O_CLOEXEC);
    if (fd < 0) return errno_fail("create temporary file for " + path);
    return AtomicFile(path, std::move(temp), fd, mode);
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : path_(std::move(other.path_)),
      temp_(std::move(other.temp_)),
      fd_(other.fd_),
      mode_(other.mode_) {
    other.fd_ = -1;
    other.temp_.clear();
}

AtomicFile::~AtomicFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!temp_.empty()) ::unlink(temp_.c_str());
}

Result<void> AtomicFile::write(std::string_view text) {
    return fd_io::write_all(fd_, as_bytes(text), "a temporary file for " + path_);
}

Result<void> AtomicFile::name_unnamed() {
    // linkat cannot replace a file: a fresh name next to the path, then rename over the path.
    const std::string self = "/proc/self/fd/" + std::to_string(fd_);
    for (unsigned attempt = 0; attempt < 100; ++attempt) {
        std::string temp = path_ + ".tmp." + std::to_string(::getpid()) + "." +
                           std::to_string(attempt);
        if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, temp.c_str(), AT_SYMLINK_FOLLOW) == 0) {
            temp_ = std::move(temp);
            return {};
        }
        if (errno != EEXIST) return errno_fail("link a temporary file for " + path_);
    }
    return errno_fail("link a temporary file for " + path_);
}

Result<void> AtomicFile::commit() {
    const std::string what = "a temporary file for " + path_;
    if (::fchmod(fd_, static_cast<mode_t>(mode_)) != 0) return errno_fail("chmod " + what);
    if (::fsync(fd_) != 0) return errno_fail("fsync " + what);
    if (temp_.empty()) {
        if (auto named = name_unnamed(); !named) return named;
    }
    int closed = ::close(fd_);
    fd_ = -1;
    if (closed != 0) return errno_fail("close " + temp_);
    if (::rename(temp_.c_str(), path_.c_str()) != 0) {
        return errno_fail("rename " + temp_ + " to " + path_);
    }
    temp_.clear();
    // The rename is durable only once the directory entry is.
    std::string dir = parent_dir(path_);
    int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0) return errno_fail("open directory " + dir);
    int synced = ::fsync(dir_fd);
    int saved = errno;
    ::close(dir_fd);
    if (synced != 0) {
        errno = saved;
        return errno_fail("fsync directory " + dir);
    }
    return {};
}

Result<void> write_file_atomic(const std::string& path, std::string_view text, unsigned mode) {
    auto file = AtomicFile::create(path, mode);
    if (!file) return tl::unexpected(file.error());
    if (auto r = file->write(text); !r) return r;
    return file->commit();
}

}  // namespace tanda::pki
