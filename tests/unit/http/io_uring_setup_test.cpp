#include <catch2/catch.hpp>

#include <liburing.h>

#include <cerrno>

#include "http/io_uring_ring.hpp"

// Linked with --wrap=io_uring_queue_init like tanda-io-uring, so this call is the one Asio makes
// (16384 entries, no flags).
TEST_CASE("the io_uring build sets Asio's rings up with fewer entries and cooperative task runs",
          "[io_uring]") {
    io_uring ring{};
    REQUIRE(io_uring_queue_init(16384, &ring, 0) == 0);
    CHECK(ring.sq.ring_entries == tanda::http::kIoUringEntries);

    // The flags need Linux 5.19; an older kernel refuses them and gets a ring without.
    io_uring_params params{};
    params.flags = IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG;
    io_uring direct{};
    const int r = io_uring_queue_init_params(8, &direct, &params);
    if (r == 0) {
        io_uring_queue_exit(&direct);
        CHECK(ring.flags == (IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG));
    } else {
        REQUIRE(r == -EINVAL);
        CHECK(ring.flags == 0);
    }
    io_uring_queue_exit(&ring);
}

TEST_CASE("the io_uring probe holds as many rings as it is asked for", "[io_uring]") {
    CHECK(tanda::http::io_uring_refusal(8).empty());
}
