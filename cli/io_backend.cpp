#include "cli/io_backend.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>

#include "cli/commands.hpp"
#include "core/logger.hpp"
#include "http/io_uring_ring.hpp"

namespace tanda::cli {

namespace {

enum class Choice { automatic, epoll, io_uring, invalid };

Choice requested_backend() {
    const char* value = std::getenv("TANDA_IO_BACKEND");
    if (value == nullptr || *value == '\0' || std::string_view(value) == "auto") {
        return Choice::automatic;
    }
    if (std::string_view(value) == "epoll") return Choice::epoll;
    if (std::string_view(value) == "io_uring") return Choice::io_uring;
    return Choice::invalid;
}

#ifdef TANDA_IO_URING_BINARY

// tanda-io-uring beside this binary (the build tree) or in ../libexec/tanda (installed).
std::optional<std::filesystem::path> io_uring_binary() {
    std::error_code ec;
    auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return std::nullopt;
    auto dir = self.parent_path();
    for (auto candidate : {dir / TANDA_IO_URING_BINARY,
                           dir / ".." / "libexec" / "tanda" / TANDA_IO_URING_BINARY}) {
        if (::access(candidate.c_str(), X_OK) == 0) return candidate.lexically_normal();
    }
    return std::nullopt;
}

// Execs tanda-io-uring; returns why it could not.
std::string exec_io_uring_build(char** argv) {
    auto binary = io_uring_binary();
    if (!binary) {
        return std::string(TANDA_IO_URING_BINARY " is neither beside this binary nor in "
                           "../libexec/tanda");
    }
    // As many rings as a default configuration holds, one per io_context: the public listener's
    // I/O threads (listen.threads: one per CPU) and control loop, the admin listener's two
    // threads and control loop, the metrics listener's thread and control loop.
    const unsigned rings = std::max(1u, std::thread::hardware_concurrency()) + 6;
    if (auto refusal = http::io_uring_refusal(rings); !refusal.empty()) return refusal;
    ::execv(binary->c_str(), argv);
    return "exec " + binary->string() + ": " + std::strerror(errno);
}

#else

std::string exec_io_uring_build(char**) {
    return "built without TANDA_IO_URING";
}

#endif

}  // namespace

std::string_view io_backend() {
#if defined(BOOST_ASIO_HAS_IO_URING) && defined(BOOST_ASIO_DISABLE_EPOLL)
    return "io_uring";
#else
    return "epoll";
#endif
}

std::optional<int> exec_preferred_io_backend(char** argv) {
    const Choice choice = requested_backend();
    if (choice == Choice::invalid) {
        std::fprintf(stderr, "tanda: TANDA_IO_BACKEND must be auto, epoll or io_uring, not '%s'\n",
                     std::getenv("TANDA_IO_BACKEND"));
        return kExitConfig;
    }
    if (choice == Choice::epoll || io_backend() == "io_uring") return std::nullopt;
    const std::string why_not = exec_io_uring_build(argv);
    if (choice == Choice::io_uring) {
        std::fprintf(stderr, "tanda: TANDA_IO_BACKEND=io_uring, but %s\n", why_not.c_str());
        return kExitFailure;
    }
    Logger().info("serving on epoll, not io_uring", {{"reason", why_not}});
    return std::nullopt;
}

}  // namespace tanda::cli
