#include "http/io_uring_ring.hpp"

#include <liburing.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace tanda::http {

int init_io_uring(unsigned entries, io_uring* ring, unsigned flags) {
    // COOP_TASKRUN: without it a completion interrupts the thread that submitted the operation at
    // once (an IPI); on loopback that thread then runs the receive while the sender's softirq
    // still holds the socket lock, and spins on it (bench/RESULTS.md). With it the completion
    // waits until that thread next enters the kernel; TASKRUN_FLAG tells liburing's peek, which
    // Asio uses between handlers, to enter it when completions wait.
    // A kernel before 5.19 refuses the task-run flags (EINVAL): then a ring without them.
    int r = -EINVAL;
    for (unsigned task_run : {IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG, 0u}) {
        io_uring_params params{};
        params.flags = flags | IORING_SETUP_CQSIZE | task_run;
        params.cq_entries = kIoUringCompletions;
        r = io_uring_queue_init_params(std::min(entries, kIoUringEntries), ring, &params);
        if (r != -EINVAL) break;
    }
    return r;
}

namespace {

// What Asio 1.81's io_uring reactor submits (io_uring_prep_* in boost/asio/detail).
constexpr int kAsioOperations[] = {
    IORING_OP_NOP,
    IORING_OP_READV,
    IORING_OP_WRITEV,
    IORING_OP_READ_FIXED,
    IORING_OP_WRITE_FIXED,
    IORING_OP_POLL_ADD,
    IORING_OP_SENDMSG,
    IORING_OP_RECVMSG,
    IORING_OP_TIMEOUT,
    IORING_OP_TIMEOUT_REMOVE,
    IORING_OP_ACCEPT,
    IORING_OP_ASYNC_CANCEL,
    IORING_OP_CONNECT,
};

std::string missing_operation(io_uring& ring) {
    io_uring_probe* probe = io_uring_get_probe_ring(&ring);
    if (probe == nullptr) {
        return "the kernel does not list its io_uring operations (IORING_REGISTER_PROBE refused, "
               "or Linux before 5.6)";
    }
    std::string missing;
    for (int op : kAsioOperations) {
        if (!io_uring_opcode_supported(probe, op)) {
            missing = "the kernel lacks io_uring operation " + std::to_string(op);
            break;
        }
    }
    io_uring_free_probe(probe);
    return missing;
}

}  // namespace

std::string io_uring_refusal(unsigned rings) {
    // All at once, as the server holds them: where ring memory is limited (the memory cgroup, or
    // RLIMIT_MEMLOCK before Linux 5.12), the first may fit and the last not.
    std::vector<io_uring> opened(std::max(1u, rings));
    std::string refusal;
    std::size_t made = 0;
    for (; made < opened.size(); ++made) {
        if (int r = init_io_uring(kIoUringEntries, &opened[made], 0); r < 0) {
            refusal = "io_uring_queue_init: " + std::string(std::strerror(-r));
            if (made > 0) {
                refusal += " (ring " + std::to_string(made + 1) + " of " +
                           std::to_string(opened.size()) + ")";
            }
            break;
        }
    }
    if (refusal.empty()) refusal = missing_operation(opened[0]);
    for (std::size_t i = 0; i < made; ++i) io_uring_queue_exit(&opened[i]);
    return refusal;
}

}  // namespace tanda::http
