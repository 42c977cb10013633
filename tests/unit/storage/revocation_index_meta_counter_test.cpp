#include "storage/revocation_index.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <set>

#include "storage_test_support.hpp"

using namespace tanda;
using namespace tanda::storage;
using namespace tanda::storage::test;
using tanda::test::TempDir;

TEST_CASE("next_meta_counter increments, honours at_least and persists", "[index][meta]") {
    TempDir dir;
    {
        auto index = open_index(dir.path());
        CHECK(index->next_meta_counter("crl/1/number").value() == 1);
        CHECK(index->next_meta_counter("crl/1/number").value() == 2);
        CHECK(index->next_meta_counter("crl/1/number", 10).value() == 10);
        CHECK(index->next_meta_counter("crl/1/number", 3).value() == 11);
        CHECK(index->next_meta_counter("crl/2/number").value() == 1);
    }
    auto index = open_index(dir.path());
    CHECK(index->get_meta("crl/1/number").value() == "11");
    CHECK(index->next_meta_counter("crl/1/number").value() == 12);
    REQUIRE(index->put_meta("bad", "x1"));
    CHECK(index->next_meta_counter("bad").error().code == ErrorCode::incompatible);
    CHECK(index->next_meta_counter("tanda.x").error().code == ErrorCode::invalid_argument);
}

TEST_CASE("raise_meta_counter sets a floor and never lowers; the counter never wraps",
          "[index][meta]") {
    TempDir dir;
    {
        auto index = open_index(dir.path());
        CHECK(index->raise_meta_counter("crl/1/number", 1000).value() == 1000);
        CHECK(index->raise_meta_counter("crl/1/number", 5).value() == 1000);  // kept
    }
    auto index = open_index(dir.path());  // durable
    CHECK(index->next_meta_counter("crl/1/number").value() == 1001);
    CHECK(index->raise_meta_counter("crl/1/number", 1000).value() == 1001);
    REQUIRE(index->put_meta("bad", "x1"));
    CHECK(index->raise_meta_counter("bad", 1).error().code == ErrorCode::incompatible);
    CHECK(index->raise_meta_counter("crl/2/number", UINT64_MAX).value() == UINT64_MAX);
    CHECK(index->next_meta_counter("crl/2/number").error().code == ErrorCode::invalid_argument);
    CHECK(index->get_meta("crl/2/number").value() == std::to_string(UINT64_MAX));
}

TEST_CASE("next_meta_counter never hands out a value twice across processes", "[index][meta]") {
    TempDir dir;
    open_index(dir.path()).reset();  // create the environment before forking
    constexpr int kEach = 100;
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {  // the child opens the same environment, as `tanda crl generate` would
        close(fds[0]);
        Options options;
        options.path = dir.path().string();
        options.map_size = std::size_t{1} << 26;
        auto index = RevocationIndex::open(options);
        for (int i = 0; index && i < kEach; ++i) {
            auto v = (*index)->next_meta_counter("n");
            std::uint64_t out = v ? *v : 0;
            if (write(fds[1], &out, sizeof out) != sizeof out) break;
        }
        _exit(index ? 0 : 1);
    }
    close(fds[1]);
    std::set<std::uint64_t> seen;
    {
        auto index = open_index(dir.path());
        for (int i = 0; i < kEach; ++i) seen.insert(index->next_meta_counter("n").value());
    }
    std::uint64_t v = 0;
    while (read(fds[0], &v, sizeof v) == sizeof v) seen.insert(v);
    close(fds[0]);
    int status = 0;
    waitpid(child, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(seen.size() == 2 * kEach);
    CHECK(*seen.begin() == 1);
    CHECK(*seen.rbegin() == 2 * kEach);
}

TEST_CASE("first_meta_from finds the smallest key at or after, within its prefix",
          "[index][meta]") {
    TempDir dir;
    auto index = open_index(dir.path());
    REQUIRE(index->put_meta("cover/1/00000000000000000010", "ten"));
    REQUIRE(index->put_meta("cover/1/00000000000000000025", "twenty-five"));
    REQUIRE(index->put_meta("cover/2/00000000000000000003", "other prefix"));
    auto at = [&](std::string_view from) {
        auto found = index->first_meta_from(from, "cover/1/");
        REQUIRE(found);
        return *found ? (*found)->second : std::string("none");
    };
    CHECK(at("cover/1/00000000000000000001") == "ten");
    CHECK(at("cover/1/00000000000000000010") == "ten");  // at: the key itself
    CHECK(at("cover/1/00000000000000000011") == "twenty-five");
    CHECK(at("cover/1/00000000000000000026") == "none");  // the next key has another prefix
    CHECK(index->first_meta_from("cover/3/", "cover/3/").value() == std::nullopt);  // past all
    CHECK(index->first_meta_from("tanda.x", "tanda.").error().code == ErrorCode::invalid_argument);
}

TEST_CASE("meta_counter reads a counter without writing it", "[meta]") {
    tanda::test::TempDir dir;
    auto index = open_index(dir.path());
    CHECK(index->meta_counter("crl/1/number").value() == 0);
    CHECK_FALSE(index->get_meta("crl/1/number").value());  // absent still: nothing written
    REQUIRE(index->raise_meta_counter("crl/1/number", 41));
    CHECK(index->meta_counter("crl/1/number").value() == 41);
    REQUIRE(index->put_meta("crl/2/number", "x"));
    CHECK(index->meta_counter("crl/2/number").error().code == ErrorCode::incompatible);
}
