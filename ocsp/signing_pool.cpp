#include "ocsp/signing_pool.hpp"

namespace tanda::ocsp {

SigningPool::SigningPool(unsigned threads, std::size_t waiting_room)
    : waiting_room_(waiting_room) {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
}

SigningPool::~SigningPool() { stop(); }

void SigningPool::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) {
        if (t.joinable()) t.join();
    }
    std::unique_lock lock(mutex_);
    done_here_.wait(lock, [this] { return busy_ == 0; });
}

bool SigningPool::try_submit(std::function<void()> task) {
    {
        std::lock_guard lock(mutex_);
        // Room for one task per thread being (or about to be) run, plus the waiting room.
        if (stopping_ || queue_.size() + busy_ >= workers_.size() + waiting_room_) {
            ++refused_;
            return false;
        }
        queue_.push_back(std::move(task));
    }
    wake_.notify_one();
    return true;
}

bool SigningPool::claim_idle() {
    std::lock_guard lock(mutex_);
    if (stopping_ || !queue_.empty() || busy_ >= workers_.size()) return false;
    ++busy_;
    ++ran_here_;
    return true;
}

void SigningPool::release() {
    {
        std::lock_guard lock(mutex_);
        --busy_;
    }
    done_here_.notify_all();
}

void SigningPool::work() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping and drained
        auto task = std::move(queue_.front());
        queue_.pop_front();
        ++busy_;
        lock.unlock();
        task();
        lock.lock();
        --busy_;
    }
}

std::size_t SigningPool::waiting() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
}

std::uint64_t SigningPool::refused() const {
    std::lock_guard lock(mutex_);
    return refused_;
}

std::uint64_t SigningPool::ran_here() const {
    std::lock_guard lock(mutex_);
    return ran_here_;
}

}  // namespace tanda::ocsp
