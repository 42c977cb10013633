#include "http/io_backend.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <optional>
#include <string>

#include "tests/support/temp_dir.hpp"

using namespace tanda;
using http::IoBackendRequest;

TEST_CASE("TANDA_IO_BACKEND values", "[io_backend]") {
    CHECK(http::parse_io_backend_request(nullptr) == IoBackendRequest::automatic);
    CHECK(http::parse_io_backend_request("") == IoBackendRequest::automatic);
    CHECK(http::parse_io_backend_request("auto") == IoBackendRequest::automatic);
    CHECK(http::parse_io_backend_request("epoll") == IoBackendRequest::epoll);
    CHECK(http::parse_io_backend_request("io_uring") == IoBackendRequest::io_uring);
    for (const char* bad : {"iouring", "EPOLL", "io_uring ", "automatic"}) {
        CAPTURE(bad);
        CHECK_FALSE(http::parse_io_backend_request(bad));
    }
}

TEST_CASE("the backend choice from the request, this build and the exec's outcome",
          "[io_backend]") {
    struct Case {
        IoBackendRequest request;
        const char* build;
        bool exec_tried;
        bool serve_here;
    };
    // The exec fails in every case ("no ring"): a successful one would not return.
    auto [request, build, exec_tried, serve_here] = GENERATE(
        Case{IoBackendRequest::automatic, "epoll", true, true},
        Case{IoBackendRequest::epoll, "epoll", false, true},
        Case{IoBackendRequest::io_uring, "epoll", true, false},
        Case{IoBackendRequest::automatic, "io_uring", false, true},
        Case{IoBackendRequest::epoll, "io_uring", false, true},
        Case{IoBackendRequest::io_uring, "io_uring", false, true});
    CAPTURE(static_cast<int>(request), build);
    int execs = 0;
    auto choice = http::choose_io_backend(request, build, [&] {
        ++execs;
        return std::string("no ring");
    });
    CHECK(execs == (exec_tried ? 1 : 0));
    CHECK(choice.serve_here == serve_here);
    CHECK(choice.why_not_io_uring == (exec_tried ? "no ring" : ""));
}

TEST_CASE("the io_uring binary is found beside tanda or in ../libexec/tanda", "[io_backend]") {
    tanda::test::TempDir dir;
    const auto bin = dir / "bin";
    const auto libexec = dir / "libexec" / "tanda";
    std::filesystem::create_directories(bin);
    std::filesystem::create_directories(libexec);
    auto make = [](const std::filesystem::path& p, mode_t mode) {
        std::ofstream(p) << "#!/bin/sh\n";
        REQUIRE(::chmod(p.c_str(), mode) == 0);
    };
    CHECK_FALSE(http::find_io_uring_binary(bin, "tanda-io-uring"));

    make(libexec / "tanda-io-uring", 0644);  // not executable
    CHECK_FALSE(http::find_io_uring_binary(bin, "tanda-io-uring"));
    make(libexec / "tanda-io-uring", 0755);
    CHECK(http::find_io_uring_binary(bin, "tanda-io-uring") == libexec / "tanda-io-uring");

    make(bin / "tanda-io-uring", 0755);  // the build tree's copy comes first
    CHECK(http::find_io_uring_binary(bin, "tanda-io-uring") == bin / "tanda-io-uring");
}
