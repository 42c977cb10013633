// The server tests again, on the io_uring build of http/ (tanda_http_io_uring). Exits 77, which
// ctest reports as skipped, where this machine refuses io_uring: that build cannot run there.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdio>

#include "http/io_uring_ring.hpp"

int main(int argc, char** argv) {
    if (auto refusal = tanda::http::io_uring_refusal(8); !refusal.empty()) {
        std::fprintf(stderr, "io_uring is refused here (%s): skipped\n", refusal.c_str());
        return 77;
    }
    return Catch::Session().run(argc, argv);
}
