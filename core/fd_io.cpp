#include "core/fd_io.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tanda::fd_io {
namespace {

tl::unexpected<Error> io_fail(const std::string& what) {
    return fail(ErrorCode::io, what + ": " + std::strerror(errno));
}

}  // namespace

Result<void> write_all(int fd, ByteView bytes, const std::string& what) {
    while (!bytes.empty()) {
        ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return io_fail("write " + what);
        }
        bytes = bytes.subspan(static_cast<std::size_t>(n));
    }
    return {};
}

Result<void> read_exactly(int fd, std::span<std::byte> out, std::size_t offset,
                          const std::string& what) {
    while (!out.empty()) {
        ssize_t n = ::pread(fd, out.data(), out.size(), static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return io_fail("read " + what);
        if (n == 0) return fail(ErrorCode::io, "read " + what + ": the file ended early");
        out = out.subspan(static_cast<std::size_t>(n));
        offset += static_cast<std::size_t>(n);
    }
    return {};
}

Result<void> copy_prefix(int from, int to, std::size_t length, const std::string& what) {
    loff_t in = 0;
    while (in < static_cast<loff_t>(length)) {
        ssize_t n =
            ::copy_file_range(from, &in, to, nullptr, length - static_cast<std::size_t>(in), 0);
        if (n < 0 && errno == EINTR) continue;
        if (n > 0) continue;
        if (n < 0 && errno != EXDEV && errno != ENOSYS && errno != EOPNOTSUPP && errno != EINVAL) {
            return io_fail("copy " + what);
        }
        // No in-kernel copy between these files (some filesystems return 0 for that): through a
        // buffer, which reports a source shorter than `length`.
        Bytes buffer(std::size_t{1} << 20);
        for (auto at = static_cast<std::size_t>(in); at < length;) {
            const std::size_t n_read = std::min(buffer.size(), length - at);
            std::span<std::byte> part(buffer.data(), n_read);
            if (auto r = read_exactly(from, part, at, what); !r) return r;
            if (auto r = write_all(to, part, what); !r) return r;
            at += n_read;
        }
        return {};
    }
    return {};
}

Result<int> unnamed_file(const std::string& dir) {
    int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) return fd;
    std::string path = dir + "/.tanda-spill.XXXXXX";  // filesystems without O_TMPFILE
    fd = ::mkostemp(path.data(), O_CLOEXEC);
    if (fd < 0) return io_fail("create a temporary file in " + dir);
    ::unlink(path.c_str());
    return fd;
}

}  // namespace tanda::fd_io
