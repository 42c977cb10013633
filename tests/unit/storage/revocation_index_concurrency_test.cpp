#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "storage/revocation_index.hpp"
#include "storage_test_support.hpp"

using namespace tanda;
using namespace tanda::storage;
using namespace tanda::storage::test;
using tanda::test::TempDir;

TEST_CASE("Readers on many threads see consistent records while a writer commits",
          "[concurrency]") {
    TempDir dir;
    auto index = open_index(dir.path());
    IssuerId issuer = *index->ensure_issuer(as_bytes("ca"), "CA");
    constexpr int kBatches = 50;
    constexpr int kPerBatch = 20;

    std::atomic<bool> done{false};
    std::atomic<int> read_errors{0}, bad_records{0}, reads{0};
    std::vector<std::thread> readers;
    for (int t = 0; t < 4; ++t) {
        readers.emplace_back([&, t] {
            std::uint32_t n = static_cast<std::uint32_t>(t);
            while (!done.load()) {
                const std::uint32_t m = n % (kBatches * kPerBatch);
                const std::byte magnitude[] = {std::byte{1}, std::byte(m >> 8), std::byte(m)};
                auto found = index->find(issuer, Serial::from_magnitude(magnitude));
                if (!found) {
                    ++read_errors;
                } else if (*found && ((*found)->last_seq == 0 || (*found)->subject != "CN=c")) {
                    ++bad_records;
                }
                ++reads;
                n += 7;
            }
        });
    }
    for (int b = 0; b < kBatches; ++b) {
        std::vector<Change> changes;
        for (int i = 0; i < kPerBatch; ++i) {
            int n = b * kPerBatch + i;
            const std::byte magnitude[] = {std::byte{1}, std::byte(n >> 8), std::byte(n)};
            changes.push_back(Change{ChangeKind::register_certificate, issuer,
                                     Serial::from_magnitude(magnitude), issued("CN=c")});
        }
        REQUIRE(index->commit(changes, import_provenance(), b));
    }
    done = true;
    for (auto& r : readers) r.join();
    CHECK(read_errors == 0);
    CHECK(bad_records == 0);
    CHECK(reads > 0);
    CHECK(index->verify_journal().value() == std::nullopt);
}
