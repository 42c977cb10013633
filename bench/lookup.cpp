// tanda-bench-lookup: lookups per second against a revocation index, random serials among
// those tanda-bench-fixtures registered, on several threads: what the index costs a cache miss,
// without HTTP or signing in the way. With --warm, first walks the index as the daemon does at
// start (RevocationIndex::warm), so the lookups meet it mapped as the daemon's do.
//   tanda-bench-lookup --db DIR --count N [--threads T] [--seconds S] [--warm 1]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "storage/revocation_index.hpp"

using namespace tanda;

int main(int argc, char** argv) {
    std::string db;
    std::uint64_t count = 0;
    unsigned threads = 2, seconds = 5;
    bool warm = false;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i], v = argv[i + 1];
        if (a == "--db")
            db = v;
        else if (a == "--count")
            count = std::stoull(v);
        else if (a == "--threads")
            threads = static_cast<unsigned>(std::stoul(v));
        else if (a == "--seconds")
            seconds = static_cast<unsigned>(std::stoul(v));
        else if (a == "--warm")
            warm = v == "1";
    }
    if (db.empty() || count == 0) {
        std::fprintf(stderr,
                     "usage: %s --db DIR --count N [--threads T] [--seconds S] [--warm 1]\n",
                     argv[0]);
        return 2;
    }
    storage::Options o;
    o.path = db;
    o.map_size = std::size_t{16} << 30;
    auto index = storage::RevocationIndex::open(o);
    if (!index) {
        std::fprintf(stderr, "lookup: %s\n", index.error().message.c_str());
        return 1;
    }
    if (warm) {
        auto walked = (*index)->warm({});
        if (!walked) {
            std::fprintf(stderr, "lookup: warm-up: %s\n", walked.error().message.c_str());
            return 1;
        }
    }
    auto issuers = (*index)->issuers();
    if (!issuers || issuers->empty()) return 1;
    const storage::IssuerId issuer = issuers->front().id;
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> done{0}, missing{0};
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            std::mt19937_64 rng(t + 1);
            std::uint64_t n = 0, lost = 0;
            while (!stop.load(std::memory_order_relaxed)) {
                std::uint64_t s = 0x10000000 + rng() % count;
                std::byte bytes[4] = {std::byte(s >> 24), std::byte(s >> 16), std::byte(s >> 8),
                                      std::byte(s)};
                auto r = (*index)->find(issuer, Serial::from_magnitude(bytes));
                if (!r || !*r) ++lost;
                ++n;
            }
            done += n;
            missing += lost;
        });
    }
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    stop = true;
    for (auto& th : pool) th.join();
    std::printf("LOOKUP count=%llu threads=%u lookups_per_s=%.0f missing=%llu\n",
                static_cast<unsigned long long>(count), threads,
                static_cast<double>(done.load()) / seconds,
                static_cast<unsigned long long>(missing.load()));
    return missing.load() == 0 ? 0 : 1;
}
