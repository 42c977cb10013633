// A shared/exclusive lock whose waiting exclusive locker goes before new shared ones, so a
// steady flow of shared holders (overlapping revocations) cannot starve it. std::shared_mutex
// cannot promise that: libstdc++ builds it on glibc's rwlock, which prefers readers.
//
// Meets the standard's Lockable-style requirements used by std::unique_lock (lock, unlock) and
// std::shared_lock (lock_shared, unlock_shared). Not recursive. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace tanda::admin {

class WriteGate {
public:
    void lock();
    void unlock();
    void lock_shared();
    // False when held exclusively or when an exclusive locker waits.
    bool try_lock_shared();
    void unlock_shared();

private:
    bool shared_may_enter() const { return !exclusive_ && exclusive_waiting_ == 0; }

    std::mutex mutex_;
    std::condition_variable changed_;
    std::size_t shared_ = 0;
    std::size_t exclusive_waiting_ = 0;
    bool exclusive_ = false;
};

}  // namespace tanda::admin
