// The rings of tanda's io_uring build, and whether this process may have them. Used by the probe
// in `tanda` (http/io_backend.cpp) and by tanda-io-uring, whose Asio sets every ring up through
// init_io_uring (io_uring_setup.cpp).
#pragma once

#include <string>

struct io_uring;

namespace tanda::http {

// Submission entries per ring. Asio asks for 16384 (1 MiB of submission entries per ring, and one
// ring per io_context: each I/O thread, the control loop, the admin and metrics listeners), but
// submits every 128 and retries when the queue is full, so 4096 is ample. The completion queue
// keeps the size Asio's request would give it, kIoUringCompletions: every connection has a read
// in flight, up to listen.max_connections (10000) on one thread, and where completions overflow
// it the kernel must allocate for them, which may fail.
inline constexpr unsigned kIoUringEntries = 4096;
inline constexpr unsigned kIoUringCompletions = 32768;

// io_uring_queue_init as tanda-io-uring does it for Asio: at most kIoUringEntries submission and
// kIoUringCompletions completion entries (0.8 MiB of kernel memory), with
// IORING_SETUP_COOP_TASKRUN and IORING_SETUP_TASKRUN_FLAG where the kernel has them (Linux 5.19).
// Returns 0 or -errno, as io_uring_queue_init does.
int init_io_uring(unsigned entries, io_uring* ring, unsigned flags);

// "" when this process may run Asio's io_uring reactor on `rings` rings at once, else why not:
// each ring as init_io_uring sets it up, and the kernel has every operation Asio submits.
[[nodiscard]] std::string io_uring_refusal(unsigned rings);

}  // namespace tanda::http
