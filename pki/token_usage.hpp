// What each PKCS#11 token does for this process, for the per-token metrics: signatures, failures,
// seconds per signature, and sessions in use (signatures in progress: libp11 takes one session
// per signature). It also bounds them: a signature waits for one of `max_sessions` rather than
// ask the token for more sessions than it has (pkcs11.max_sessions; libp11 itself stops at 16).
//
// Thread safety: everything, from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/metrics.hpp"

namespace tanda::pki {

class TokenUsage {
public:
    TokenUsage(std::string token, int max_sessions);
    const std::string& token() const { return token_; }
    std::uint64_t signatures() const { return signatures_.load(std::memory_order_relaxed); }
    std::uint64_t failures() const { return failures_.load(std::memory_order_relaxed); }
    int sessions_in_use() const;
    int max_sessions() const { return max_sessions_; }
    const metrics::Histogram& seconds() const { return seconds_; }

    // One signature on the token: waits for a session slot, then times the call.
    class Call {
    public:
        explicit Call(TokenUsage* usage);  // null: a key file, nothing counted
        ~Call();                           // a call never marked done() counts as failed
        Call(const Call&) = delete;
        Call& operator=(const Call&) = delete;
        void done(bool ok);

    private:
        TokenUsage* usage_;
        std::chrono::steady_clock::time_point started_;
        bool finished_ = false;
    };

private:
    const std::string token_;
    const int max_sessions_;
    mutable std::mutex mutex_;
    std::condition_variable free_;
    int in_use_ = 0;
    std::atomic<std::uint64_t> signatures_{0}, failures_{0};
    metrics::Histogram seconds_;
};

// The usage of the token labelled `token`, made on first use with the current max_sessions and
// kept for the process's life (tokens are process-wide: libp11 keeps one engine per module).
std::shared_ptr<TokenUsage> token_usage(const std::string& token);
std::vector<std::shared_ptr<TokenUsage>> token_usages();
// pkcs11.max_sessions, for tokens first used after this (config is read before keys load).
void set_token_max_sessions(int max_sessions);
// tanda_pkcs11_* by token, read at scrape time (no series while no token key is loaded).
void add_token_metrics(metrics::Registry& registry);

}  // namespace tanda::pki
