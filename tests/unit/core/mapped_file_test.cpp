#include "core/mapped_file.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/support/temp_dir.hpp"

using namespace tanda;

namespace {

void write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

}  // namespace

TEST_CASE("a mapped file keeps its content after the file is replaced by rename", "[mapped_file]") {
    test::TempDir dir;
    const std::string path = (dir / "a.crl").string(), next = (dir / "b.crl").string();
    write(path, "first version");
    auto mapped = load_file(path, 0);
    REQUIRE(mapped);
    write(next, "second version, longer");
    REQUIRE(std::rename(next.c_str(), path.c_str()) == 0);
    CHECK(mapped->owner() != nullptr);
    CHECK(*mapped == to_bytes("first version"));
    auto again = load_file(path, 0);
    REQUIRE(again);
    CHECK(*again == to_bytes("second version, longer"));
}

TEST_CASE("load_file reads small files and maps large ones", "[mapped_file]") {
    test::TempDir dir;
    const std::string path = (dir / "a.crl").string();
    write(path, "0123456789");
    auto read = load_file(path, 11);  // below the threshold: a heap copy
    REQUIRE(read);
    auto mapped = load_file(path, 10);  // at it: mapped
    REQUIRE(mapped);
    CHECK(*read == to_bytes("0123456789"));
    CHECK(*mapped == to_bytes("0123456789"));
    // A heap copy does not follow the file; both are read-only views.
    write(path, "xxxxxxxxxx");
    CHECK(*read == to_bytes("0123456789"));

    write(path, "");
    auto empty = load_file(path, 0);
    REQUIRE(empty);
    CHECK(empty->empty());
    auto missing = load_file((dir / "none.crl").string(), 1);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == ErrorCode::io);
    CHECK(missing.error().message.find("none.crl") != std::string::npos);
}
