#include "storage/index_warmer.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "storage_test_support.hpp"
#include "tests/support/recording_logger.hpp"

using namespace tanda;
using namespace tanda::storage;
using namespace tanda::storage::test;
using tanda::test::RecordingLogger;
using tanda::test::TempDir;

namespace {

int count(const std::string& text, const std::string& what) {
    int n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("the warmer walks every record and says how many", "[warmer]") {
    TempDir dir;
    auto index = open_index(dir.path());
    const IssuerId issuer = *index->ensure_issuer(as_bytes("ca-1"), "CA One");
    std::vector<Change> changes;
    for (const char* serial : {"01", "02", "03", "04", "05"}) {
        changes.push_back(change(ChangeKind::register_certificate, issuer, serial, issued()));
    }
    REQUIRE(index->commit(changes, import_provenance(), 1));
    RecordingLogger logger;
    IndexWarmer warmer(*index, logger);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (logger.text().empty() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    warmer.stop();
    CHECK(count(logger.text(), "msg=\"index warmed\"") == 1);
    CHECK(count(logger.text(), "records=5 ") == 1);
}

TEST_CASE("stopping the warmer joins it once, however often it is asked", "[warmer]") {
    TempDir dir;
    auto index = open_index(dir.path());
    RecordingLogger logger;
    IndexWarmer warmer(*index, logger);
    warmer.stop();
    const std::string after_stop = logger.lines;
    // Joined: exactly one outcome is logged, whether the walk finished or was stopped first.
    CHECK(count(after_stop, "msg=\"index warmed\"") + count(after_stop, "index warm-up stopped") ==
          1);
    warmer.stop();
    CHECK(logger.lines == after_stop);
}
