#include <catch2/catch.hpp>

#include <liburing.h>

// Linked with --wrap=io_uring_queue_init like tanda-io-uring, so this call is the one Asio makes.
TEST_CASE("the io_uring build sets its rings up with IORING_SETUP_COOP_TASKRUN", "[io_uring]") {
    io_uring ring{};
    REQUIRE(io_uring_queue_init(64, &ring, 0) == 0);
    CHECK((ring.flags & IORING_SETUP_COOP_TASKRUN) != 0);
    io_uring_queue_exit(&ring);
}
