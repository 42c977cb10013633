// The server tests again, on the io_uring build of http/ (tanda_http_io_uring). Exits 77, which
// ctest reports as skipped, where this machine refuses io_uring: that build cannot run there.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <liburing.h>

#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
    io_uring ring{};
    if (int r = io_uring_queue_init(8, &ring, 0); r < 0) {
        std::fprintf(stderr, "io_uring is refused here (%s): skipped\n", std::strerror(-r));
        return 77;
    }
    io_uring_queue_exit(&ring);
    return Catch::Session().run(argc, argv);
}
