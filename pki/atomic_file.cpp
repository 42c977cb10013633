// write_file_atomic: readers see either the old file or the complete new one, never a torn
// write, and the new content survives a crash once the call returns.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

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

Result<void> write_all(int fd, std::string_view text, const std::string& path) {
    while (!text.empty()) {
        ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno_fail("write " + path);
        }
        text.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

Result<void> fill_temp(int fd, const std::string& temp, std::string_view text, unsigned mode) {
    if (auto written = write_all(fd, text, temp); !written) {
        return written;
    }
    if (::fchmod(fd, static_cast<mode_t>(mode)) != 0) {
        return errno_fail("chmod " + temp);
    }
    if (::fsync(fd) != 0) {
        return errno_fail("fsync " + temp);
    }
    return {};
}

}  // namespace

Result<void> write_file_atomic(const std::string& path, std::string_view text, unsigned mode) {
    std::string temp = path + ".tmp.XXXXXX";
    int fd = ::mkostemp(temp.data(), O_CLOEXEC);
    if (fd < 0) {
        return errno_fail("create temporary file for " + path);
    }
    auto filled = fill_temp(fd, temp, text, mode);
    if (::close(fd) != 0 && filled) {
        filled = errno_fail("close " + temp);
    }
    if (filled && ::rename(temp.c_str(), path.c_str()) != 0) {
        filled = errno_fail("rename " + temp + " to " + path);
    }
    if (!filled) {
        ::unlink(temp.c_str());
        return filled;
    }
    // The rename is durable only once the directory entry is.
    std::string dir = parent_dir(path);
    int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0) {
        return errno_fail("open directory " + dir);
    }
    int synced = ::fsync(dir_fd);
    int saved = errno;
    ::close(dir_fd);
    if (synced != 0) {
        errno = saved;
        return errno_fail("fsync directory " + dir);
    }
    return {};
}

}  // namespace tanda::pki
