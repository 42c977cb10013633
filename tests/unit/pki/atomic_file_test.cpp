#include "pki/atomic_file.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "tests/support/temp_dir.hpp"

using namespace tanda;
using pki::AtomicFile;

namespace {

std::size_t entries_in(const std::filesystem::path& dir) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
    return n;
}

std::string text_of(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("an atomic file has no name until it is committed", "[atomic_file]") {
    test::TempDir dir;
    const std::string path = (dir / "ca.crl").string();
    {
        auto old = AtomicFile::create(path, 0644);
        REQUIRE(old);
        REQUIRE(old->write("old"));
        REQUIRE(old->commit());
    }
    {
        auto file = AtomicFile::create(path, 0640);
        REQUIRE(file);
        REQUIRE(file->write("new content"));
        // Being written: the old file only, no temporary name a crash could leave behind.
        CHECK(entries_in(dir.path()) == 1);
        CHECK(text_of(path) == "old");
        REQUIRE(file->commit());
    }
    CHECK(entries_in(dir.path()) == 1);
    CHECK(text_of(path) == "new content");
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0640);
}

TEST_CASE("an atomic file dropped before commit leaves the old file alone", "[atomic_file]") {
    test::TempDir dir;
    const std::string path = (dir / "ca.crl").string();
    REQUIRE(pki::write_file_atomic(path, "kept", 0644));
    {
        auto file = AtomicFile::create(path, 0644);
        REQUIRE(file);
        REQUIRE(file->write("abandoned"));
    }
    CHECK(entries_in(dir.path()) == 1);
    CHECK(text_of(path) == "kept");
}
