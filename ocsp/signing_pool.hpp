// A bounded pool for live signing (cache misses, nonces): a fixed number of threads and a
// bounded waiting room. When both are full, try_submit() refuses at once so the caller can
// answer tryLater instead of queueing without bound (RFC 6960 4.2.1; Boulder's live signer).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tanda::ocsp {

class SigningPool {
public:
    // `threads` 0 means one per core.
    SigningPool(unsigned threads, std::size_t waiting_room);
    ~SigningPool();  // stop()
    // Refuses new tasks, runs what is queued, joins the threads and waits for tasks running on
    // callers' threads (try_run_here). Idempotent.
    void stop();
    SigningPool(const SigningPool&) = delete;
    SigningPool& operator=(const SigningPool&) = delete;

    // Queues `task`; false (task dropped) when every thread is busy and the room is full.
    bool try_submit(std::function<void()> task);

    // Runs `task` on the calling thread, counted as one of the pool's busy threads, when a
    // thread is idle and nobody waits: a quick signature (P-256, Ed25519: 20-30 microseconds)
    // then skips two thread hand-offs. False, with `task` not run, otherwise. It counts toward
    // what the pool accepts (threads + waiting room); the pool's own threads may still run queued
    // tasks alongside it (making them wait instead cost a wake-up per answer: 46.7 -> 71-74 µs
    // per nonce answer, 2026-12-01).
    template <class Task>
    bool try_run_here(Task& task) {
        if (!claim_idle()) return false;
        struct Release {
            SigningPool* pool;
            ~Release() { pool->release(); }
        } release{this};
        task();
        return true;
    }

    unsigned threads() const { return static_cast<unsigned>(workers_.size()); }
    std::size_t waiting() const;
    std::uint64_t refused() const;

    std::uint64_t ran_here() const;

private:
    void work();
    bool claim_idle();
    void release();

    std::size_t waiting_room_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable done_here_;  // a try_run_here task finished
    std::deque<std::function<void()>> queue_;
    std::size_t busy_ = 0;  // tasks being run, here or on the pool's threads
    std::uint64_t refused_ = 0;
    std::uint64_t ran_here_ = 0;
    bool stopping_ = false;
    std::vector<std::thread> workers_;
};

}  // namespace tanda::ocsp
