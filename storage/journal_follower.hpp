// Tells a process about index changes that other processes made (`tanda import`, `tanda crl
// import` beside `tanda serve`): commit observers only run in the committing process, so a
// thread polls the journal head and hands over the new entries. Changes made in this process
// are handed over too, a second time; consumers must be idempotent.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <thread>

#include "storage/revocation_index.hpp"

namespace tanda::storage {

class JournalFollower {
public:
    // Entries after the head at start(), in order, at most `batch` per call; `skipped`: more
    // than `batch` arrived since the last poll and the entries before these were not read
    // (the consumer should assume everything changed).
    using Consumer = std::function<void(std::span<const JournalEntry> entries, bool skipped)>;
    static constexpr std::size_t kBatch = 10000;

    // `index` must outlive the follower.
    JournalFollower(const RevocationIndex& index, std::chrono::milliseconds interval,
                    Consumer consumer);
    ~JournalFollower();  // stop()
    JournalFollower(const JournalFollower&) = delete;
    JournalFollower& operator=(const JournalFollower&) = delete;

    // Reads the head (what is already there is not handed over) and starts the thread.
    [[nodiscard]] Result<void> start();
    void stop();  // idempotent
    // One poll, on the caller's thread (the thread's loop; tests). Storage errors are retried
    // at the next poll.
    void poll();

private:
    void run();

    const RevocationIndex& index_;
    const std::chrono::milliseconds interval_;
    Consumer consumer_;
    std::uint64_t seen_ = 0;  // the last seq handed over (or the head at start)
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace tanda::storage
