#include "admin/entry_sorter.hpp"

#include <algorithm>
#include <fstream>
#include <random>

#include <catch2/catch.hpp>

#include "tests/support/temp_dir.hpp"

using namespace tanda;

namespace {

admin::IndexEntry entry(std::uint64_t serial, int line, std::string subject) {
    admin::IndexEntry e;
    Bytes b;
    for (int shift = 56; shift >= 0; shift -= 8) b.push_back(std::byte((serial >> shift) & 0xff));
    e.serial = Serial::from_magnitude(b);
    e.line = line;
    e.record.subject = std::move(subject);
    e.record.not_after = static_cast<UnixSeconds>(serial) * 7;
    if (serial % 3 == 0) {
        e.record.state = CertState::revoked;
        e.record.reason = Reason::key_compromise;
        e.record.revoked_at = 1'700'000'000;
        e.record.invalidity_date = 1'690'000'000;
    }
    return e;
}

std::vector<admin::IndexEntry> drain(admin::EntrySorter& sorter) {
    std::vector<admin::IndexEntry> out;
    REQUIRE(sorter.visit([&](const admin::IndexEntry& e) -> Result<void> {
        out.push_back(e);
        return {};
    }));
    return out;
}

}  // namespace

TEST_CASE("entries come back by serial, equal serials in the order added, spilled or not",
          "[entry_sorter]") {
    std::vector<admin::IndexEntry> input;
    std::mt19937_64 rng(7);
    for (int i = 1; i <= 3000; ++i) input.push_back(entry(rng() % 2000 + 1, i, "CN=" + std::to_string(i)));
    test::TempDir tmp;
    admin::EntrySorter in_memory(std::filesystem::path{});
    admin::EntrySorter spilled(tmp.path(), 4096);  // about 75 entries a run
    for (const auto& e : input) {
        REQUIRE(in_memory.add(e));
        REQUIRE(spilled.add(e));
    }
    auto expected = input;
    std::stable_sort(expected.begin(), expected.end(),
                     [](const auto& a, const auto& b) { return a.serial < b.serial; });
    auto a = drain(in_memory);
    auto b = drain(spilled);
    CHECK(in_memory.spilled_runs() == 0);
    CHECK(spilled.spilled_runs() > 30);
    REQUIRE(a.size() == expected.size());
    REQUIRE(b.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        INFO("position " << i);
        REQUIRE(a[i].serial == expected[i].serial);
        REQUIRE(a[i].line == expected[i].line);
        REQUIRE(a[i].record.same_content(expected[i].record));
        REQUIRE(b[i].serial == expected[i].serial);
        REQUIRE(b[i].line == expected[i].line);
        REQUIRE(b[i].record.same_content(expected[i].record));
    }
    CHECK(drain(spilled).size() == expected.size());  // a second walk is a fresh merge
}

TEST_CASE("more runs than the fan-in are merged in stages, with the same result",
          "[entry_sorter]") {
    test::TempDir tmp;
    admin::EntrySorter staged(tmp.path(), 512, 3);  // about 10 entries a run, 3 merged at a time
    admin::EntrySorter in_memory(std::filesystem::path{});
    std::mt19937_64 rng(11);
    for (int i = 1; i <= 1000; ++i) {
        auto e = entry(rng() % 300 + 1, i, "CN=" + std::to_string(i));
        REQUIRE(staged.add(e));
        REQUIRE(in_memory.add(e));
    }
    CHECK(staged.spilled_runs() > 50);
    auto a = drain(in_memory);
    auto b = drain(staged);
    CHECK(staged.spilled_runs() <= 3);
    REQUIRE(a.size() == 1000);
    REQUIRE(b.size() == 1000);
    for (std::size_t i = 0; i < a.size(); ++i) {
        INFO("position " << i);
        REQUIRE(b[i].serial == a[i].serial);
        REQUIRE(b[i].line == a[i].line);  // equal serials still in the order added
        REQUIRE(b[i].record.same_content(a[i].record));
    }
    std::size_t files = 0;
    for (const auto& d : std::filesystem::recursive_directory_iterator(tmp.path())) {
        files += d.is_regular_file() ? 1 : 0;
    }
    CHECK(files == staged.spilled_runs());  // the merged runs' files are gone
}

TEST_CASE("the spilled runs are removed with the sorter", "[entry_sorter]") {
    test::TempDir tmp;
    {
        admin::EntrySorter sorter(tmp.path(), 256);
        for (int i = 0; i < 100; ++i) REQUIRE(sorter.add(entry(100 - i, i + 1, "CN=x")));
        CHECK(drain(sorter).size() == 100);
        CHECK_FALSE(std::filesystem::is_empty(tmp.path()));
    }
    CHECK(std::filesystem::is_empty(tmp.path()));
}

TEST_CASE("a spill directory that cannot be created is an error, not a crash", "[entry_sorter]") {
    test::TempDir tmp;
    const auto file = tmp / "a-file";
    { std::ofstream(file) << "x"; }
    admin::EntrySorter sorter(file, 64);
    Result<void> last;
    for (int i = 0; i < 10 && last; ++i) last = sorter.add(entry(i + 1, i + 1, "CN=x"));
    REQUIRE_FALSE(last);
    CHECK(last.error().code == ErrorCode::io);
}
