// The io_uring build only (http/CMakeLists.txt links with --wrap=io_uring_queue_init): Asio 1.81
// sets its ring up with no flags, so a completion interrupts the thread that owns the ring at
// once (an IPI), and that thread runs the receive in the middle of the sender's softirq, spinning
// on the socket lock it still holds. IORING_SETUP_COOP_TASKRUN (Linux 5.19) lets the completion
// wait for the thread's next system call, which Asio makes as soon as it has nothing to run.
#include <liburing.h>

#include <cerrno>

extern "C" int __real_io_uring_queue_init(unsigned entries, io_uring* ring, unsigned flags);

extern "C" int __wrap_io_uring_queue_init(unsigned entries, io_uring* ring, unsigned flags) {
    io_uring_params params{};
    params.flags = flags | IORING_SETUP_COOP_TASKRUN;
    const int r = io_uring_queue_init_params(entries, ring, &params);
    if (r != -EINVAL) return r;
    return __real_io_uring_queue_init(entries, ring, flags);  // a kernel before 5.19
}
