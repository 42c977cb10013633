// Which of Asio's reactors serves requests. Asio fixes it when it is compiled, so tanda is built
// twice (CMakeLists.txt): `tanda` on epoll, which runs everywhere, and `tanda-io-uring`, which
// spends about a fifth less CPU per answer (bench/RESULTS.md) but needs a kernel and a
// seccomp filter that allow io_uring (container runtimes' default profiles refuse it). The
// commands that serve start in `tanda` and exec `tanda-io-uring` when it can run here.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace tanda::http {

// "epoll" or "io_uring": what this binary was built on.
std::string_view io_backend();

// What the environment variable TANDA_IO_BACKEND asks for.
enum class IoBackendRequest { automatic, epoll, io_uring };

// Unset (nullptr), "" and "auto" are automatic; "epoll" and "io_uring" name themselves;
// anything else is nullopt.
[[nodiscard]] std::optional<IoBackendRequest> parse_io_backend_request(const char* value);

struct IoBackendChoice {
    bool serve_here = true;  // false: io_uring was demanded and cannot run here
    std::string why_not_io_uring;  // why this process stays (or must stop); "" when not tried
};

// Decides for a serving command: "epoll" stays; an io_uring build stays; otherwise
// `exec_io_uring` is called, which replaces the process and returns only why it could not.
// Then automatic stays on this binary with that reason, and io_uring refuses to serve.
[[nodiscard]] IoBackendChoice choose_io_backend(IoBackendRequest request,
                                                std::string_view this_build,
                                                const std::function<std::string()>& exec_io_uring);

// `name` in `dir` (the build tree) or in `dir`/../libexec/tanda (installed), when executable.
[[nodiscard]] std::optional<std::filesystem::path> find_io_uring_binary(
    const std::filesystem::path& dir, std::string_view name);

// Execs tanda-io-uring, found by find_io_uring_binary beside /proc/self/exe, with `argv`, once
// the probe (io_uring_ring.hpp) says this process may run its rings; returns why it could not
// (always, in a build without TANDA_IO_URING). The exec keeps the process id, open descriptors
// and environment (sd_notify, socket limits).
[[nodiscard]] std::string exec_io_uring_build(char** argv);

}  // namespace tanda::http
