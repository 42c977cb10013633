#include "admin/authenticator.hpp"

#include <catch2/catch.hpp>

using namespace tanda;
using namespace tanda::admin;

namespace {

http::RequestContext ctx_with(std::optional<http::PeerCertificate> peer,
                              std::string remote = "10.0.0.1:5000") {
    http::RequestContext ctx;
    ctx.tls = true;
    ctx.remote_address = std::move(remote);
    ctx.peer = std::move(peer);
    return ctx;
}

http::PeerCertificate peer(std::string subject, bool verified = true, std::string spki = "") {
    http::PeerCertificate p;
    p.verified = verified;
    p.error = verified ? "" : "certificate has expired";
    p.subject = std::move(subject);
    p.spki_sha256 = std::move(spki);
    return p;
}

struct Fixture {
    Logger logger{LogLevel::error};
    FailureLimiter::TimePoint now{};
    Authenticator auth{{{Role::operator_, "CN=Op,O=T,C=ID", "", ""},
                        {Role::auditor, "CN=Aud,O=T,C=ID", "", ""},
                        {Role::operator_, "", std::string(64, 'e'), ""}},
                       RateLimitOptions{3, std::chrono::seconds(60), std::chrono::seconds(300)},
                       logger,
                       [this] { return now; }};
};

}  // namespace

TEST_CASE("roles by subject (as names) and by SPKI hash", "[auth]") {
    Fixture f;
    CHECK(f.auth.authenticate(ctx_with(peer("/C=ID/O=T/CN=Op")), Role::operator_)->role ==
          Role::operator_);
    CHECK(f.auth.authenticate(ctx_with(peer("CN=Aud,O=T,C=ID")), Role::auditor)->role ==
          Role::auditor);
    CHECK(f.auth.authenticate(ctx_with(peer("CN=Any", true, std::string(64, 'e'))),
                              Role::operator_));
}

TEST_CASE("401 without or with an unverified certificate, 403 without the role", "[auth]") {
    Fixture f;
    CHECK(f.auth.authenticate(ctx_with(std::nullopt), Role::auditor).error().kind ==
          ApiErrorKind::unauthorized);
    auto expired = f.auth.authenticate(ctx_with(peer("CN=Op,O=T,C=ID", false)), Role::auditor);
    CHECK(expired.error().kind == ApiErrorKind::unauthorized);
    CHECK(expired.error().message.find("expired") != std::string::npos);
    CHECK(f.auth.authenticate(ctx_with(peer("CN=Nobody"), "10.0.0.2:1"), Role::auditor)
              .error()
              .kind == ApiErrorKind::forbidden);
    CHECK(f.auth.authenticate(ctx_with(peer("CN=Aud,O=T,C=ID"), "10.0.0.3:1"), Role::operator_)
              .error()
              .kind == ApiErrorKind::forbidden);
    CHECK(f.auth.counters().unauthorized == 2);
    CHECK(f.auth.counters().forbidden == 2);
}

TEST_CASE("repeated failures from one address are rate limited, then forgiven", "[auth]") {
    Fixture f;
    for (int i = 0; i < 3; ++i) (void)f.auth.authenticate(ctx_with(std::nullopt), Role::auditor);
    auto blocked = f.auth.authenticate(ctx_with(peer("CN=Op,O=T,C=ID")), Role::auditor);
    CHECK(blocked.error().kind == ApiErrorKind::too_many_requests);
    CHECK(f.auth.retry_after("10.0.0.1:1") == 300);
    // Another address is not affected.
    CHECK(f.auth.authenticate(ctx_with(peer("CN=Op,O=T,C=ID"), "10.0.0.9:1"), Role::auditor));
    f.now += std::chrono::seconds(301);
    CHECK(f.auth.authenticate(ctx_with(peer("CN=Op,O=T,C=ID")), Role::auditor));
}
