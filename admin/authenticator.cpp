#include "admin/authenticator.hpp"

#include "admin/distinguished_name.hpp"
#include "pki/certificate.hpp"

namespace tanda::admin {

std::string_view role_name(Role role) noexcept {
    return role == Role::operator_ ? "operator" : "auditor";
}

void describe_peer(http::PeerCertificate& peer) {
    auto cert = pki::Certificate::from_der(peer.der);
    if (!cert) {
        peer.verified = false;
        peer.error = "unreadable certificate";
        return;
    }
    peer.subject = cert->subject();
    peer.spki_sha256 = to_hex(cert->spki_sha256());
}

Authenticator::Authenticator(std::vector<RoleBinding> roles, RateLimitOptions limits,
                             Logger& logger, Now now)
    : roles_(std::move(roles)), limiter_(limits), logger_(logger), now_(std::move(now)) {
    if (!now_) now_ = [] { return std::chrono::steady_clock::now(); };
}

std::optional<Role> Authenticator::role_of(const http::PeerCertificate& peer) const {
    std::optional<Role> best;
    for (const auto& b : roles_) {
        const bool match = b.spki_sha256.empty() ? same_dn(b.subject, peer.subject)
                                                 : b.spki_sha256 == peer.spki_sha256;
        if (match && (!best || b.role == Role::operator_)) best = b.role;
    }
    return best;
}

ApiError Authenticator::failure(ApiErrorKind kind, const http::RequestContext& ctx,
                                std::string message) {
    const std::uint64_t n = kind == ApiErrorKind::unauthorized ? ++unauthorized_ : ++forbidden_;
    const bool blocked = limiter_.record_failure(address_of(ctx.remote_address), now_());
    logger_.warn("admin request refused",
                 {{"status", kind == ApiErrorKind::unauthorized ? "401" : "403"},
                  {"remote", ctx.remote_address},
                  {"path", ctx.path},
                  {"subject", ctx.peer ? std::string_view(ctx.peer->subject) : "-"},
                  {"reason", message},
                  {"count", std::to_string(n)},
                  {"now_blocked", blocked ? "true" : "false"}});
    return ApiError{kind, "", std::move(message)};
}

ApiResult<Caller> Authenticator::authenticate(const http::RequestContext& ctx, Role needed) {
    if (long left = limiter_.blocked_for(address_of(ctx.remote_address), now_()); left > 0) {
        ++rate_limited_;
        logger_.warn("admin request rate limited", {{"remote", ctx.remote_address},
                                                    {"retry_after", std::to_string(left)}});
        return refuse(ApiErrorKind::too_many_requests, "",
                      "too many failed attempts from this address; retry later");
    }
    if (!ctx.tls || !ctx.peer) {
        return tl::unexpected(failure(ApiErrorKind::unauthorized, ctx,
                                      "a client certificate is required"));
    }
    if (!ctx.peer->verified) {
        return tl::unexpected(failure(ApiErrorKind::unauthorized, ctx,
                                      "client certificate not accepted: " + ctx.peer->error));
    }
    auto role = role_of(*ctx.peer);
    if (!role) {
        return tl::unexpected(failure(ApiErrorKind::forbidden, ctx,
                                      "certificate '" + ctx.peer->subject +
                                          "' has no admin role"));
    }
    if (needed == Role::operator_ && *role != Role::operator_) {
        return tl::unexpected(failure(ApiErrorKind::forbidden, ctx,
                                      "role " + std::string(role_name(*role)) +
                                          " may only read; this needs operator"));
    }
    return Caller{ctx.peer->subject, ctx.peer->spki_sha256, *role};
}

long Authenticator::retry_after(const std::string& remote) {
    return limiter_.blocked_for(address_of(remote), now_());
}

void Authenticator::on_handshake_failure(const std::string& remote) {
    ++handshakes_;
    limiter_.record_failure(address_of(remote), now_());
}

AuthCounters Authenticator::counters() const {
    return AuthCounters{unauthorized_.load(), forbidden_.load(), rate_limited_.load(),
                        handshakes_.load()};
}

}  // namespace tanda::admin
