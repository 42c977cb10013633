// Admin API authentication and authorisation: the TLS client certificate the listener verified
// against the admin CA bundle, mapped to a role by subject DN or SPKI SHA-256 (AdminOptions::roles).
// Refusals are 401 (no or unaccepted certificate), 403 (no role, or auditor on a write), 429
// (an address that failed too often); each is logged and counted. Thread-safe.
#pragma once

#include <atomic>
#include <functional>

#include "admin/admin_options.hpp"
#include "admin/admin_service.hpp"
#include "admin/api_error.hpp"
#include "admin/failure_limiter.hpp"
#include "core/logger.hpp"
#include "http/router.hpp"

namespace tanda::admin {

struct AuthCounters {
    std::uint64_t unauthorized = 0;  // 401
    std::uint64_t forbidden = 0;     // 403
    std::uint64_t rate_limited = 0;  // 429
    std::uint64_t handshake_failures = 0;
};

class Authenticator {
public:
    using Now = std::function<FailureLimiter::TimePoint()>;

    // `logger` must outlive this; `now` defaults to the steady clock.
    Authenticator(std::vector<RoleBinding> roles, RateLimitOptions limits, Logger& logger,
                  Now now = nullptr);

    // The caller when its certificate is verified and has at least `needed` (operator includes
    // auditor). The ApiError's retry-after, for 429, is retry_after().
    [[nodiscard]] ApiResult<Caller> authenticate(const http::RequestContext& ctx, Role needed);
    // Seconds an address is blocked for, for the 429's Retry-After.
    long retry_after(const std::string& remote);
    // A failed TLS handshake from `remote` (logged by the listener) counts as a failure.
    void on_handshake_failure(const std::string& remote);

    AuthCounters counters() const;

private:
    ApiError failure(ApiErrorKind kind, const http::RequestContext& ctx, std::string message);
    std::optional<Role> role_of(const http::PeerCertificate& peer) const;

    std::vector<RoleBinding> roles_;
    FailureLimiter limiter_;
    Logger& logger_;
    Now now_;
    std::atomic<std::uint64_t> unauthorized_{0}, forbidden_{0}, rate_limited_{0}, handshakes_{0};
};

// Fills PeerCertificate::subject and spki_sha256 from its DER (pki), for http::ServerTls.
void describe_peer(http::PeerCertificate& peer);

}  // namespace tanda::admin
