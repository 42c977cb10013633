// The rings of tanda's io_uring build, and whether this process may have them. Used by the probe
// in `tanda` (cli/io_backend.cpp) and by tanda-io-uring, whose Asio sets every ring up through
// init_io_uring (io_uring_setup.cpp).
#pragma once

#include <string>

struct io_uring;

namespace tanda::http {

// Entries per ring. Asio asks for 16384, about 2 MiB of kernel memory per ring and one ring per
// io_context (each I/O thread, the control loop, the admin and metrics listeners). 4096 hold
// more completions than one wait collects here, and the kernel keeps any overflow
// (IORING_FEAT_NODROP, Linux 5.5).
inline constexpr unsigned kIoUringEntries = 4096;

// io_uring_queue_init as tanda-io-uring does it for Asio: at most kIoUringEntries entries, with
// IORING_SETUP_COOP_TASKRUN and IORING_SETUP_TASKRUN_FLAG where the kernel has them (Linux 5.19),
// else `flags` alone. Returns 0 or -errno, as io_uring_queue_init does.
int init_io_uring(unsigned entries, io_uring* ring, unsigned flags);

// "" when this process may run Asio's io_uring reactor on `rings` rings at once, else why not:
// each ring as init_io_uring sets it up, and the kernel has every operation Asio submits.
std::string io_uring_refusal(unsigned rings);

}  // namespace tanda::http
