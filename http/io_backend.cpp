#include "http/io_backend.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#ifdef TANDA_IO_URING_BINARY
#include "http/io_uring_ring.hpp"
#endif

namespace tanda::http {

std::string_view io_backend() {
#if defined(BOOST_ASIO_HAS_IO_URING) && defined(BOOST_ASIO_DISABLE_EPOLL)
    return "io_uring";
#else
    return "epoll";
#endif
}

std::optional<IoBackendRequest> parse_io_backend_request(const char* value) {
    if (value == nullptr || *value == '\0' || std::string_view(value) == "auto") {
        return IoBackendRequest::automatic;
    }
    if (std::string_view(value) == "epoll") return IoBackendRequest::epoll;
    if (std::string_view(value) == "io_uring") return IoBackendRequest::io_uring;
    return std::nullopt;
}

IoBackendChoice choose_io_backend(IoBackendRequest request, std::string_view this_build,
                                  const std::function<std::string()>& exec_io_uring) {
    if (request == IoBackendRequest::epoll || this_build == "io_uring") return {};
    std::string why_not = exec_io_uring();
    return {request != IoBackendRequest::io_uring, std::move(why_not)};
}

std::optional<std::filesystem::path> find_io_uring_binary(const std::filesystem::path& dir,
                                                          std::string_view name) {
    for (auto candidate : {dir / name, dir / ".." / "libexec" / "tanda" / name}) {
        if (::access(candidate.c_str(), X_OK) == 0) return candidate.lexically_normal();
    }
    return std::nullopt;
}

#ifdef TANDA_IO_URING_BINARY

std::string exec_io_uring_build(char** argv) {
    std::error_code ec;
    auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    auto binary = ec ? std::nullopt : find_io_uring_binary(self.parent_path(),
                                                           TANDA_IO_URING_BINARY);
    if (!binary) {
        return std::string(TANDA_IO_URING_BINARY " is neither beside this binary nor in "
                           "../libexec/tanda");
    }
    // As many rings as a default configuration holds, one per io_context: the public listener's
    // I/O threads (listen.threads: one per CPU) and control loop, the admin listener's two
    // threads and control loop, the metrics listener's thread and control loop.
    const unsigned rings = std::max(1u, std::thread::hardware_concurrency()) + 6;
    if (auto refusal = io_uring_refusal(rings); !refusal.empty()) return refusal;
    ::execv(binary->c_str(), argv);
    return "exec " + binary->string() + ": " + std::strerror(errno);
}

#else

std::string exec_io_uring_build(char**) { return "built without TANDA_IO_URING"; }

#endif

}  // namespace tanda::http
