#include "admin/authenticator.hpp"

#include "admin/distinguished_name.hpp"
#include "pki/certificate.hpp"

namespace tanda::admin {
namespace {

std::string_view role_name(Role role) noexcept {
    return role == Role::operator_ ? "operator" : "auditor";
}

}  // namespace

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
    : roles_(std::move(roles)), limits_(limits), limiter_(limits), logger_(logger),
      now_(std::move(now)) {
    if (!now_) now_ = [] { return std::chrono::steady_clock::now(); };
    for (const auto& b : roles_) {
        scopes_.push_back(b.scope ? std::make_shared<const CompiledScope>(*b.scope, b.location)
                                  : nullptr);
    }
}

std::optional<std::pair<Role, Scopes>> Authenticator::role_of(
    const http::PeerCertificate& peer) const {
    std::optional<Role> best;
    Scopes scopes;
    bool unscoped = false;
    for (std::size_t i = 0; i < roles_.size(); ++i) {
        const auto& b = roles_[i];
        const bool match = b.spki_sha256.empty() ? same_dn(b.subject, peer.subject)
                                                 : b.spki_sha256 == peer.spki_sha256;
        if (!match) continue;
        if (best && *best == Role::operator_ && b.role != Role::operator_) continue;
        if (!best || b.role != *best) {  // a higher role: only its entries' scopes count
            scopes.clear();
            unscoped = false;
        }
        best = b.role;
        if (scopes_[i]) {
            scopes.push_back(scopes_[i]);
        } else {
            unscoped = true;
        }
    }
    if (!best) return std::nullopt;
    if (unscoped) scopes.clear();
    return std::pair(*best, std::move(scopes));
}

std::string failure_key(const http::RequestContext& ctx) {
    // An unreadable certificate has no SPKI (describe_peer): it counts like none at all.
    if (ctx.peer && !ctx.peer->spki_sha256.empty()) return "spki:" + ctx.peer->spki_sha256;
    return "ip:" + address_of(ctx.remote_address);
}

ApiError Authenticator::failure(ApiErrorKind kind, const http::RequestContext& ctx,
                                std::string message) {
    const std::uint64_t n = kind == ApiErrorKind::unauthorized ? ++unauthorized_ : ++forbidden_;
    const std::string key = failure_key(ctx);
    const bool blocked = limiter_.record_failure(key, now_());
    logger_.warn("admin request refused",
                 {{"status", kind == ApiErrorKind::unauthorized ? "401" : "403"},
                  {"remote", ctx.remote_address},
                  {"path", ctx.path},
                  {"subject", ctx.peer ? std::string_view(ctx.peer->subject) : "-"},
                  {"reason", message},
                  {"count", std::to_string(n)},
                  {"key", key},
                  {"now_blocked", blocked ? "true" : "false"}});
    if (blocked) {
        ++blocks_;
        logger_.warn("admin block", {{"key", key},
                                     {"remote", ctx.remote_address},
                                     {"failures", std::to_string(limits_.max_failures)},
                                     {"seconds", std::to_string(limits_.block.count())}});
    }
    return ApiError{kind, "", std::move(message)};
}

void Authenticator::note_expired(FailureLimiter::TimePoint now) {
    for (const auto& key : limiter_.take_expired(now)) {
        ++expired_;
        logger_.info("admin block expired", {{"key", key}});
    }
}

ApiResult<Caller> Authenticator::authenticate(const http::RequestContext& ctx, Role needed) {
    const auto now = now_();
    note_expired(now);
    const std::string key = failure_key(ctx);
    if (long left = limiter_.blocked_for(key, now); left > 0) {
        ++rate_limited_;
        logger_.warn("admin request rate limited", {{"remote", ctx.remote_address},
                                                    {"key", key},
                                                    {"retry_after", std::to_string(left)}});
        return refuse(ApiErrorKind::too_many_requests, "",
                      "too many failed attempts with this certificate (or, without one, from "
                      "this address); retry later");
    }
    if (!ctx.tls || !ctx.peer) {
        return tl::unexpected(failure(ApiErrorKind::unauthorized, ctx,
                                      "a client certificate is required"));
    }
    if (!ctx.peer->verified) {
        return tl::unexpected(failure(ApiErrorKind::unauthorized, ctx,
                                      "client certificate not accepted: " + ctx.peer->error));
    }
    auto granted = role_of(*ctx.peer);
    if (!granted) {
        return tl::unexpected(failure(ApiErrorKind::forbidden, ctx,
                                      "certificate '" + ctx.peer->subject +
                                          "' has no admin role"));
    }
    auto& [role, scopes] = *granted;
    if (needed == Role::operator_ && role != Role::operator_) {
        return tl::unexpected(failure(ApiErrorKind::forbidden, ctx,
                                      "role " + std::string(role_name(role)) +
                                          " may only read; this needs operator"));
    }
    return Caller{ctx.peer->subject, ctx.peer->spki_sha256, role, std::move(scopes)};
}

long Authenticator::retry_after(const http::RequestContext& ctx) {
    return limiter_.blocked_for(failure_key(ctx), now_());
}

void Authenticator::on_handshake_failure() { ++handshakes_; }

std::vector<BlockInfo> Authenticator::blocks() {
    const auto now = now_();
    note_expired(now);
    return limiter_.blocks(now);
}

void Authenticator::log_lifted(const std::string& key, const Caller& by) {
    ++unblocks_;
    logger_.warn("admin block lifted", {{"key", key}, {"by", by.subject}});
}

bool Authenticator::unblock(const std::string& key, const Caller& by) {
    note_expired(now_());  // a block that ran out is reported as such, not as lifted
    if (!limiter_.unblock(key)) return false;
    log_lifted(key, by);
    return true;
}

std::vector<std::string> Authenticator::unblock_all(const Caller& by) {
    note_expired(now_());
    auto keys = limiter_.unblock_all();
    for (const auto& key : keys) log_lifted(key, by);
    return keys;
}

AuthCounters Authenticator::counters() const {
    return AuthCounters{unauthorized_.load(), forbidden_.load(), rate_limited_.load(),
                        handshakes_.load(),   blocks_.load(),    unblocks_.load(),
                        expired_.load()};
}

}  // namespace tanda::admin
