#include "core/mapped_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/fd_io.hpp"

namespace tanda {
namespace {

tl::unexpected<Error> io_fail(const std::string& what, const std::string& path) {
    return fail(ErrorCode::io, what + " " + path + ": " + std::strerror(errno));
}

// Unmaps when the last SharedBytes of the file goes.
struct Mapping {
    void* address = nullptr;
    std::size_t size = 0;
    Mapping(void* a, std::size_t s) : address(a), size(s) {}
    Mapping(const Mapping&) = delete;
    Mapping& operator=(const Mapping&) = delete;
    ~Mapping() { ::munmap(address, size); }
};

}  // namespace

Result<SharedBytes> map_file(int fd, const std::string& path) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return io_fail("stat", path);
    const auto size = static_cast<std::size_t>(st.st_size);
    if (size == 0) return SharedBytes(Bytes{});  // mmap refuses an empty length
    void* address = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
    if (address == MAP_FAILED) return io_fail("map", path);
    auto mapping = std::make_shared<const Mapping>(address, size);
    return SharedBytes(mapping, ByteView(static_cast<const std::byte*>(address), size));
}

Result<SharedBytes> load_file(const std::string& path, std::size_t map_from) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return io_fail("open", path);
    const std::unique_ptr<const int, void (*)(const int*)> closer(&fd, [](const int* f) { ::close(*f); });
    struct stat st {};
    if (::fstat(fd, &st) != 0) return io_fail("stat", path);
    if (static_cast<std::size_t>(st.st_size) >= map_from) return map_file(fd, path);
    Bytes bytes(static_cast<std::size_t>(st.st_size));
    if (auto r = fd_io::read_exactly(fd, bytes, 0, path); !r) return tl::unexpected(r.error());
    return SharedBytes(std::move(bytes));
}

}  // namespace tanda
