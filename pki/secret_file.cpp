#include "pki/secret_file.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/fd_io.hpp"

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
    auto read = fd_io::read_exactly(
        fd, std::span(reinterpret_cast<std::byte*>(out.data()), out.size()), 0, path);
    ::close(fd);
    return read;
}

}  // namespace tanda::pki
