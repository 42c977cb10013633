#include "storage/journal_follower.hpp"

namespace tanda::storage {

JournalFollower::JournalFollower(const RevocationIndex& index, std::chrono::milliseconds interval,
                                 Consumer consumer)
    : index_(index), interval_(interval), consumer_(std::move(consumer)) {}

JournalFollower::~JournalFollower() { stop(); }

Result<void> JournalFollower::start() {
    auto head = index_.journal_head();
    if (!head) return tl::unexpected(head.error());
    seen_ = head->seq;
    thread_ = std::thread([this] { run(); });
    return {};
}

void JournalFollower::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void JournalFollower::poll() {
    auto head = index_.journal_head();
    if (!head || head->seq <= seen_) return;
    // Past a batch, only the newest entries: whoever consumes them drops everything anyway.
    const bool skipped = head->seq - seen_ > kBatch;
    const std::uint64_t from = skipped ? head->seq - kBatch + 1 : seen_ + 1;
    auto entries = index_.journal(from, kBatch);
    if (!entries) return;
    consumer_(*entries, skipped);
    seen_ = entries->empty() ? head->seq : entries->back().seq;
}

void JournalFollower::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        poll();
        lock.lock();
        wake_.wait_for(lock, interval_, [this] { return stopping_; });
    }
}

}  // namespace tanda::storage
