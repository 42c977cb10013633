// RevocationIndex::release_mapped_pages: a bulk reader's resident index pages are given back.
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <string>

#include "storage_test_support.hpp"

using namespace tanda;
using namespace tanda::storage;
using namespace tanda::storage::test;
using tanda::test::TempDir;

namespace {

// This process's resident file-backed pages (the index's map among them), in KiB.
long rss_file_kib() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);) {
        if (line.rfind("RssFile:", 0) == 0) return std::stol(line.substr(8));
    }
    return -1;
}

}  // namespace

TEST_CASE("released index pages leave the process's memory and read back the same",
          "[mapped_pages]") {
    TempDir dir;
    auto index = open_index(dir.path());
    const IssuerId issuer = *index->ensure_issuer(as_bytes("ca-1"), "CA One");
    std::vector<Change> changes;
    char hex[16];
    for (int i = 1; i <= 30000; ++i) {
        std::snprintf(hex, sizeof hex, "%06X", i);
        changes.push_back(change(ChangeKind::register_certificate, issuer, hex,
                                 issued("CN=holder " + std::to_string(i) + ",O=Example")));
    }
    REQUIRE(index->commit(changes, import_provenance(), 1));
    auto read_all = [&] {
        for (const auto& c : changes) REQUIRE(*index->find(issuer, c.serial));
    };
    read_all();  // every record page now mapped
    const long before = rss_file_kib();
    index->release_mapped_pages();
    const long after = rss_file_kib();
    INFO("RssFile " << before << " KiB, then " << after << " KiB");
    CHECK(before - after >= 2048);  // the records alone are several MiB
    read_all();
    CHECK((*index->find(issuer, serial("007530")))->subject == "CN=holder 30000,O=Example");
}
