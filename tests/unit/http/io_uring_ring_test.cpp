#include "http/io_uring_ring.hpp"

#include <catch2/catch.hpp>

#include <liburing.h>

#include <cerrno>

using tanda::http::kIoUringCompletions;
using tanda::http::kIoUringEntries;

// Linked with --wrap=io_uring_queue_init like tanda-io-uring, so this call is the one Asio makes
// (16384 entries, no flags).
TEST_CASE("the io_uring build sets Asio's rings up smaller, with cooperative task runs",
          "[io_uring]") {
    io_uring ring{};
    REQUIRE(io_uring_queue_init(16384, &ring, 0) == 0);
    CHECK(ring.sq.ring_entries == kIoUringEntries);
    CHECK(ring.cq.ring_entries == kIoUringCompletions);

    // The task-run flags need Linux 5.19; an older kernel refuses them and gets a ring without.
    constexpr unsigned kTaskRun = IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG;
    io_uring_params params{};
    params.flags = kTaskRun;
    io_uring direct{};
    const int r = io_uring_queue_init_params(8, &direct, &params);
    if (r == 0) {
        io_uring_queue_exit(&direct);
        CHECK((ring.flags & kTaskRun) == kTaskRun);
    } else {
        REQUIRE(r == -EINVAL);
        CHECK((ring.flags & kTaskRun) == 0);
    }
    io_uring_queue_exit(&ring);
}
