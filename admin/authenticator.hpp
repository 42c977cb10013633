// Admin API authentication and authorisation: the TLS client certificate the listener verified
// against the admin CA bundle, mapped to a role by subject DN or SPKI SHA-256 (AdminOptions::roles).
// Refusals are 401 (no or unaccepted certificate), 403 (no role, or auditor on a write), 429
// (a key that failed too often); each is logged and counted. Only those refusals count toward a
// block, never a failed TLS handshake: a TCP probe or a silent client proves nothing about who
// it is, and counting them let anyone block every operator at an address (issue 15). Blocks
// are keyed by failure_key(), can be listed and lifted, and are logged when they start, end and
// are lifted. Thread-safe.
#pragma once

#include <atomic>
#include <functional>

#include "admin/admin_options.hpp"
#include "admin/api_error.hpp"
#include "admin/caller.hpp"
#include "admin/failure_limiter.hpp"
#include "core/logger.hpp"
#include "http/router.hpp"

namespace tanda::admin {

struct AuthCounters {
    std::uint64_t unauthorized = 0;  // 401
    std::uint64_t forbidden = 0;     // 403
    std::uint64_t rate_limited = 0;  // 429
    std::uint64_t handshake_failures = 0;  // never toward a block
    std::uint64_t blocks = 0;              // blocks started
    std::uint64_t unblocks = 0;            // blocks an operator lifted
    std::uint64_t expired = 0;             // blocks that ran their time
};

class Authenticator {
public:
    using Now = std::function<FailureLimiter::TimePoint()>;

    // `logger` must outlive this; `now` defaults to the steady clock.
    Authenticator(std::vector<RoleBinding> roles, RateLimitOptions limits, Logger& logger,
                  Now now = nullptr);

    // The caller when its certificate is verified and has at least `needed` (operator includes
    // auditor); 429 while failure_key(ctx) is blocked. The 429's Retry-After is retry_after().
    [[nodiscard]] ApiResult<Caller> authenticate(const http::RequestContext& ctx, Role needed);
    // Seconds failure_key(ctx) stays blocked, for the 429's Retry-After.
    long retry_after(const http::RequestContext& ctx);
    // A failed or timed-out TLS handshake (logged by the listener): counted, never a failure.
    void on_handshake_failure();

    // Keys blocked now, the soonest to end first.
    std::vector<BlockInfo> blocks();
    // Lifts the block on `key` (as blocks() lists it); false when it is not blocked. Logged
    // with `by`, the operator who asked.
    bool unblock(const std::string& key, const Caller& by);
    // Lifts every block; returns the keys lifted, each logged.
    std::vector<std::string> unblock_all(const Caller& by);

    AuthCounters counters() const;
    const RateLimitOptions& limits() const { return limits_; }

private:
    ApiError failure(ApiErrorKind kind, const http::RequestContext& ctx, std::string message);
    // The highest role the entries matching `peer` grant, with those entries' scopes (none when
    // one of them is unscoped); nullopt when no entry matches.
    std::optional<std::pair<Role, Scopes>> role_of(const http::PeerCertificate& peer) const;
    void log_lifted(const std::string& key, const Caller& by);
    // Logs and counts the blocks that ran their time; called before each look at the blocks.
    void note_expired(FailureLimiter::TimePoint now);

    std::vector<RoleBinding> roles_;
    std::vector<std::shared_ptr<const CompiledScope>> scopes_;  // per roles_ entry; null: none
    RateLimitOptions limits_;
    FailureLimiter limiter_;
    Logger& logger_;
    Now now_;
    std::atomic<std::uint64_t> unauthorized_{0}, forbidden_{0}, rate_limited_{0}, handshakes_{0};
    std::atomic<std::uint64_t> blocks_{0}, unblocks_{0}, expired_{0};
};

// The key a request's authentication failures count against: "spki:<64 hex>" when the client
// presented a certificate (the handshake proved it holds the certificate's key, so nobody else
// can spend its allowance), "ip:<address>" when it did not.
std::string failure_key(const http::RequestContext& ctx);

// Fills PeerCertificate::subject and spki_sha256 from its DER (pki), for http::ServerTls.
void describe_peer(http::PeerCertificate& peer);

}  // namespace tanda::admin
