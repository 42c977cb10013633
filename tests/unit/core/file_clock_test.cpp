#include "core/file_clock.hpp"

#include <fstream>

#include <catch2/catch.hpp>

#include "tests/support/temp_dir.hpp"

TEST_CASE("FileClock reads the time its file holds, re-read on every call", "[clock]") {
    tanda::test::TempDir dir{"tanda-clock"};
    const std::string path = (dir.path() / "now").string();
    tanda::FileClock clock(path);
    const tanda::UnixSeconds system = tanda::SystemClock().now();
    CHECK(clock.now() >= system);  // no file yet: the system clock
    std::ofstream(path) << "1795319313\n";
    CHECK(clock.now() == 1795319313);
    std::ofstream(path) << "1795319314";
    CHECK(clock.now() == 1795319314);
    std::ofstream(path) << "soon";
    CHECK(clock.now() >= system);
}
