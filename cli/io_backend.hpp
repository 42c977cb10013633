// Which of Asio's reactors serves requests. Asio fixes it when it is compiled, so tanda is built
// twice (CMakeLists.txt): `tanda` on epoll, which runs everywhere, and `tanda-io-uring`, which
// spends about a fifth less CPU per answer (bench/RESULTS.md) but needs a kernel and a
// seccomp filter that allow io_uring (container runtimes' default profiles refuse it). The
// commands that serve start in `tanda` and exec `tanda-io-uring` when it can run here.
#pragma once

#include <optional>
#include <string_view>

namespace tanda::cli {

// "epoll" or "io_uring": what this binary was built on.
std::string_view io_backend();

// Called by main() before a serving command does anything else. The environment variable
// TANDA_IO_BACKEND chooses: unset or "auto" execs tanda-io-uring when this process may use
// io_uring and the binary is installed, else logs why not and stays on epoll; "epoll" stays;
// "io_uring" execs it or fails. Returns only when this binary is to serve: nullopt to go on, or
// the exit code of a refusal (a bad TANDA_IO_BACKEND, io_uring demanded where it cannot run).
// The exec keeps the process id, open descriptors and environment (sd_notify, socket limits).
std::optional<int> exec_preferred_io_backend(char** argv);

}  // namespace tanda::cli
