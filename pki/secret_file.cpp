#include "pki/secret_file.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tanda::pki {

Cleanse::~Cleanse() { OPENSSL_cleanse(text_.data(), text_.size()); }

Result<void> read_secret_file(const std::string& path, std::string& out) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        return fail(err == ENOENT ? ErrorCode::not_found : ErrorCode::io,
                    path + ": " + std::strerror(err));
    }
    struct stat st {};
    constexpr off_t kMaxKeyFile = 1 << 20;  // a PEM key is a few KiB
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > kMaxKeyFile) {
        ::close(fd);
        return fail(ErrorCode::io, path + ": not a regular file of at most 1 MiB");
    }
    out.assign(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t got = 0;
    while (got < out.size()) {
        ssize_t n = ::read(fd, out.data() + got, out.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    if (got != out.size()) return fail(ErrorCode::io, path + ": read failed");
    return {};
}

}  // namespace tanda::pki
