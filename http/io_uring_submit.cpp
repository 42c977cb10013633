// The io_uring build only: http/CMakeLists.txt links it with --wrap=io_uring_submit.
//
// Asio 1.81 (1.26) prepares its cancel and timeout-remove requests without setting their
// user_data (io_uring_prep_cancel and io_uring_prep_timeout_remove leave it as it was), so such a
// request keeps the user_data of the request that last used its slot in the submission ring:
// often another connection's pending receive. Its completion (0, -ENOENT, -EALREADY) is then
// taken for that receive: the receive's handler runs ("TLS handshake failed: No such file or
// directory"), the session ends and frees its buffers while the kernel still holds the real
// receive, which later writes into freed memory (glibc: "corrupted double-linked list"), and the
// real completion lands on a socket state Asio has freed or given to another connection (issue
// 15). Later Asio clears user_data in get_sqe; this does it once the kernel has taken the
// entries, so that a request Asio leaves unlabelled completes with null user_data, which Asio
// ignores.
#include <liburing.h>

extern "C" int __real_io_uring_submit(io_uring* ring);

extern "C" int __wrap_io_uring_submit(io_uring* ring) {
    io_uring_sq& sq = ring->sq;
    const unsigned before = io_uring_smp_load_acquire(sq.khead);
    const int submitted = __real_io_uring_submit(ring);
    // Without SQPOLL the kernel consumes entries inside io_uring_enter, and (IORING_FEAT_SUBMIT_
    // STABLE, Linux 5.5) has read them by the time it returns. Asio calls this under its ring
    // mutex, as it fills entries, so no other thread writes them meanwhile.
    if (ring->flags & IORING_SETUP_SQPOLL) return submitted;
    const unsigned after = io_uring_smp_load_acquire(sq.khead);
    for (unsigned i = before; i != after; ++i) {
        sq.sqes[sq.array[i & sq.ring_mask] & sq.ring_mask].user_data = 0;
    }
    return submitted;
}
