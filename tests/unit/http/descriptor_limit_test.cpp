#include "http/descriptor_limit.hpp"

#include <sys/resource.h>

#include <catch2/catch.hpp>
#include <string>

#include "tests/support/recording_logger.hpp"

using namespace tanda;
using tanda::test::RecordingLogger;

TEST_CASE("the soft descriptor limit is raised to the hard one", "[limits]") {
    rlimit before{};
    REQUIRE(getrlimit(RLIMIT_NOFILE, &before) == 0);
    REQUIRE(before.rlim_max != RLIM_INFINITY);  // containers and Debian set one
    RecordingLogger logger;
    const auto limit = http::raise_descriptor_limit(64, logger);
    REQUIRE(limit);
    CHECK(*limit == before.rlim_max);
    rlimit after{};
    REQUIRE(getrlimit(RLIMIT_NOFILE, &after) == 0);
    CHECK(after.rlim_cur == before.rlim_max);
    CHECK(logger.text().empty());
}

TEST_CASE("a limit below the wanted connections is named with both figures", "[limits]") {
    rlimit current{};
    REQUIRE(getrlimit(RLIMIT_NOFILE, &current) == 0);
    REQUIRE(current.rlim_max != RLIM_INFINITY);
    RecordingLogger logger;
    const std::size_t wanted = current.rlim_max + 1;
    const auto limit = http::raise_descriptor_limit(wanted, logger);
    REQUIRE(limit);
    const std::string text = logger.text();
    CHECK(text.find("descriptor limit below the configured connections") != std::string::npos);
    CHECK(text.find("limit=" + std::to_string(*limit) + " ") != std::string::npos);
    CHECK(text.find("wanted=" + std::to_string(wanted)) != std::string::npos);
}
