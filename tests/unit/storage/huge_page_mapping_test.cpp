#include "storage/huge_page_mapping.hpp"

#include <catch2/catch.hpp>
#include <sstream>

using namespace tanda::storage;

TEST_CASE("find_mapping picks the file's mapping from offset 0 out of a maps listing", "[huge]") {
    std::istringstream maps(
        "55d0c0a00000-55d0c0a21000 r--p 00000000 fe:01 131 /usr/bin/tanda\n"
        "7f0000000000-7f0000200000 r--s 00200000 fe:01 77 /var/lib/tanda db/data.mdb\n"
        "7f1000000000-7f1000400000 r--s 00000000 fe:01 78 /var/lib/tanda db/data.mdb (deleted)\n"
        "7f2000000000-7f2400000000 r--s 00000000 fe:01 77 /var/lib/tanda db/data.mdb\n"
        "7f3000000000-7f3000001000 rw-p 00000000 00:00 0 \n");
    auto found = find_mapping(maps, "/var/lib/tanda db/data.mdb");
    REQUIRE(found);
    CHECK(reinterpret_cast<std::uintptr_t>(found->start) == 0x7f2000000000);
    CHECK(found->length == std::size_t{16} << 30);
}

TEST_CASE("find_mapping finds nothing for a file not mapped or a garbled listing", "[huge]") {
    std::istringstream maps(
        "7f2000000000-7f2400000000 r--s 00000000 fe:01 77 /other/data.mdb\n"
        "garbage\n"
        "\n"
        "zzzz-7f00 r--s 00000000 fe:01 77 /x/data.mdb\n"
        "7f00-7e00 r--s 00000000 fe:01 77 /x/data.mdb\n");
    CHECK_FALSE(find_mapping(maps, "/x/data.mdb"));
}
