#include "cli/io_backend.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "cli/commands.hpp"
#include "core/logger.hpp"

#ifdef TANDA_IO_URING_BINARY
#include <liburing.h>
#endif

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

// Why this process cannot run Asio's io_uring reactor, or "" when it can: the ring Asio sets up
// (boost/asio/detail/io_uring_service.hpp: 16384 entries) and the operations it submits.
std::string io_uring_refusal() {
    constexpr unsigned kAsioRingSize = 16384;
    io_uring ring{};
    if (int r = io_uring_queue_init(kAsioRingSize, &ring, 0); r < 0) {
        return std::string("io_uring_queue_init: ") + std::strerror(-r);
    }
    std::string refusal;
    io_uring_probe* probe = io_uring_get_probe_ring(&ring);
    if (probe == nullptr) {
        refusal = "the kernel cannot list its io_uring operations (Linux 5.6 or later needed)";
    } else {
        for (int op : {IORING_OP_NOP, IORING_OP_READV, IORING_OP_WRITEV, IORING_OP_READ_FIXED,
                       IORING_OP_WRITE_FIXED, IORING_OP_POLL_ADD, IORING_OP_SENDMSG,
                       IORING_OP_RECVMSG, IORING_OP_TIMEOUT, IORING_OP_TIMEOUT_REMOVE,
                       IORING_OP_ACCEPT, IORING_OP_ASYNC_CANCEL, IORING_OP_CONNECT}) {
            if (!io_uring_opcode_supported(probe, op)) {
                refusal = "the kernel lacks io_uring operation " + std::to_string(op);
                break;
            }
        }
        io_uring_free_probe(probe);
    }
    io_uring_queue_exit(&ring);
    return refusal;
}

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
    if (auto refusal = io_uring_refusal(); !refusal.empty()) return refusal;
    auto binary = io_uring_binary();
    if (!binary) {
        return std::string(TANDA_IO_URING_BINARY " is neither beside this binary nor in "
                           "../libexec/tanda");
    }
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
