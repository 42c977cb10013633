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

// Keeps every line, so tests can check what was logged.
struct RecordingLogger : Logger {
    RecordingLogger() : Logger(LogLevel::debug) {}
    void write(std::string_view line) override { lines += std::string(line) + "\n"; }
    std::string lines;
};

// A certificate that the handshake described: its SPKI hash is what failures count against.
http::PeerCertificate cert(std::string subject, char spki_digit, bool verified = true) {
    return peer(std::move(subject), verified, std::string(64, spki_digit));
}

const std::string kNobody = "CN=Nobody,O=T,C=ID";
const std::string kNobodyKey = "spki:" + std::string(64, 'b');

struct Fixture {
    RecordingLogger logger;
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
    // The RDNs of a role's subject in reverse order are another name (the loose comparison of
    // a pasted subject_dn is for record checks only, distinguished_name.hpp).
    CHECK(f.auth.authenticate(ctx_with(peer("C=ID,O=T,CN=Op"), "10.0.0.9:1"), Role::operator_)
              .error()
              .kind == ApiErrorKind::forbidden);
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

TEST_CASE("the failure key: the certificate's SPKI hash, else the address", "[auth]") {
    CHECK(failure_key(ctx_with(cert(kNobody, 'b'), "10.0.0.1:5000")) == kNobodyKey);
    CHECK(failure_key(ctx_with(cert(kNobody, 'b', false), "10.0.0.1:5000")) == kNobodyKey);
    CHECK(failure_key(ctx_with(std::nullopt, "10.0.0.1:5000")) == "ip:10.0.0.1");
    CHECK(failure_key(ctx_with(peer("unreadable", false), "::1:80")) == "ip:::1");
}

TEST_CASE("failed TLS handshakes are counted but never block", "[auth]") {
    Fixture f;
    for (int i = 0; i < 100; ++i) f.auth.on_handshake_failure();
    CHECK(f.auth.counters().handshake_failures == 100);
    CHECK(f.auth.counters().blocks == 0);
    CHECK(f.auth.blocks().empty());
    // A client without a certificate at that address is refused as usual, not with 429.
    CHECK(f.auth.authenticate(ctx_with(std::nullopt), Role::auditor).error().kind ==
          ApiErrorKind::unauthorized);
    CHECK(f.auth.authenticate(ctx_with(cert("CN=Op,O=T,C=ID", 'o')), Role::operator_));
}

TEST_CASE("failures without a certificate block the address, not certificates there", "[auth]") {
    Fixture f;
    for (int i = 0; i < 3; ++i) (void)f.auth.authenticate(ctx_with(std::nullopt), Role::auditor);
    auto blocked = f.auth.authenticate(ctx_with(std::nullopt, "10.0.0.1:6000"), Role::auditor);
    CHECK(blocked.error().kind == ApiErrorKind::too_many_requests);
    CHECK(f.auth.retry_after(ctx_with(std::nullopt, "10.0.0.1:1")) == 300);
    // An operator with a good certificate at the same address, and another address, are not.
    CHECK(f.auth.authenticate(ctx_with(cert("CN=Op,O=T,C=ID", 'o')), Role::operator_));
    CHECK(f.auth.retry_after(ctx_with(cert("CN=Op,O=T,C=ID", 'o'))) == 0);
    CHECK(f.auth.authenticate(ctx_with(std::nullopt, "10.0.0.9:1"), Role::auditor).error().kind ==
          ApiErrorKind::unauthorized);
    // Nor is a certificate without a role at that address: it has its own allowance.
    CHECK(f.auth.authenticate(ctx_with(cert(kNobody, 'b')), Role::auditor).error().kind ==
          ApiErrorKind::forbidden);
    CHECK(f.auth.counters().blocks == 1);
    CHECK(f.logger.lines.find("msg=\"admin block\" key=ip:10.0.0.1") != std::string::npos);
}

TEST_CASE("a certificate's failures block that certificate only, wherever it comes from",
          "[auth]") {
    Fixture f;
    for (int i = 0; i < 3; ++i) {
        CHECK(f.auth.authenticate(ctx_with(cert(kNobody, 'b')), Role::auditor).error().kind ==
              ApiErrorKind::forbidden);
    }
    for (auto remote : {"10.0.0.1:7000", "192.0.2.7:1"}) {
        CHECK(f.auth.authenticate(ctx_with(cert(kNobody, 'b'), remote), Role::auditor)
                  .error()
                  .kind == ApiErrorKind::too_many_requests);
    }
    // The operator and clients without a certificate at the same address go on as before.
    CHECK(f.auth.authenticate(ctx_with(cert("CN=Op,O=T,C=ID", 'o')), Role::operator_));
    CHECK(f.auth.authenticate(ctx_with(std::nullopt), Role::auditor).error().kind ==
          ApiErrorKind::unauthorized);
    // An auditor writing is refused; enough of that blocks its certificate, not the operator's.
    for (int i = 0; i < 3; ++i) {
        (void)f.auth.authenticate(ctx_with(cert("CN=Aud,O=T,C=ID", 'a')), Role::operator_);
    }
    CHECK(f.auth.authenticate(ctx_with(cert("CN=Aud,O=T,C=ID", 'a')), Role::auditor).error().kind ==
          ApiErrorKind::too_many_requests);
    CHECK(f.auth.authenticate(ctx_with(cert("CN=Op,O=T,C=ID", 'o')), Role::operator_));
    CHECK(f.auth.counters().blocks == 2);
}

TEST_CASE("blocks are listed, and an operator lifts one or all", "[auth]") {
    Fixture f;
    const Caller op{"CN=Op,O=T,C=ID", std::string(64, 'o'), Role::operator_};
    auto nobody = ctx_with(cert(kNobody, 'b'));
    for (int i = 0; i < 3; ++i) (void)f.auth.authenticate(nobody, Role::auditor);
    f.now += std::chrono::seconds(10);
    for (int i = 0; i < 3; ++i) (void)f.auth.authenticate(ctx_with(std::nullopt), Role::auditor);
    auto listed = f.auth.blocks();
    REQUIRE(listed.size() == 2);
    CHECK(listed[0].key == kNobodyKey);  // ends first
    CHECK(listed[0].failures == 3);
    CHECK(listed[0].seconds_left == 290);
    CHECK(listed[1].key == "ip:10.0.0.1");
    CHECK(listed[1].seconds_left == 300);

    CHECK(f.auth.unblock(kNobodyKey, op));
    CHECK_FALSE(f.auth.unblock(kNobodyKey, op));  // not blocked any more
    CHECK(f.auth.authenticate(ctx_with(cert(kNobody, 'b')), Role::auditor).error().kind ==
          ApiErrorKind::forbidden);  // refused again, no longer 429: its failures start over
    CHECK(f.logger.lines.find("msg=\"admin block lifted\" key=" + kNobodyKey) != std::string::npos);
    CHECK(f.auth.unblock_all(op) == std::vector<std::string>{"ip:10.0.0.1"});
    CHECK(f.auth.blocks().empty());
    CHECK(f.auth.counters().unblocks == 2);
}

TEST_CASE("a block ends on its own after rate_limit.block, logged once", "[auth]") {
    Fixture f;
    for (int i = 0; i < 3; ++i) (void)f.auth.authenticate(ctx_with(std::nullopt), Role::auditor);
    f.now += std::chrono::seconds(299);
    CHECK(f.auth.authenticate(ctx_with(std::nullopt), Role::auditor).error().kind ==
          ApiErrorKind::too_many_requests);
    f.now += std::chrono::seconds(2);
    CHECK(f.auth.authenticate(ctx_with(std::nullopt), Role::auditor).error().kind ==
          ApiErrorKind::unauthorized);
    CHECK(f.auth.blocks().empty());
    CHECK(f.auth.counters().expired == 1);
    CHECK(f.logger.lines.find("msg=\"admin block expired\" key=ip:10.0.0.1") != std::string::npos);
    CHECK(f.auth.counters().unblocks == 0);
}

TEST_CASE("a caller carries the scopes of the entries that granted its role", "[auth][scope]") {
    RecordingLogger logger;
    const RoleScope natuna{{"O=Pemerintah Kabupaten Natuna"}, "", {}};
    const RoleScope anambas{{"O=Pemerintah Kabupaten Anambas"}, "", {}};
    Authenticator auth{{{Role::operator_, "CN=Agency,O=T,C=ID", "", "t.yaml:1", natuna},
                        // Also an unscoped auditor: reads do not widen the operator's scope.
                        {Role::auditor, "CN=Agency,O=T,C=ID", "", "t.yaml:2", std::nullopt},
                        {Role::operator_, "", std::string(64, 'c'), "t.yaml:3", anambas},
                        {Role::operator_, "CN=Two,O=T,C=ID", "", "t.yaml:4", natuna},
                        {Role::operator_, "CN=Two,O=T,C=ID", "", "t.yaml:5", anambas},
                        {Role::operator_, "CN=CA,O=T,C=ID", "", "t.yaml:6", natuna},
                        {Role::operator_, "CN=CA,O=T,C=ID", "", "t.yaml:7", std::nullopt},
                        {Role::auditor, "CN=Reader,O=T,C=ID", "", "t.yaml:8", anambas}},
                       RateLimitOptions{}, logger};
    const std::string in_natuna = "CN=x,O=Pemerintah Kabupaten Natuna";
    const std::string in_anambas = "CN=x,O=Pemerintah Kabupaten Anambas";

    auto agency = auth.authenticate(ctx_with(peer("CN=Agency,O=T,C=ID")), Role::auditor);
    REQUIRE(agency);
    CHECK(agency->role == Role::operator_);
    REQUIRE(agency->scopes.size() == 1);
    CHECK(agency->scopes[0]->where() == "t.yaml:1");
    CHECK(in_scope(*agency, "demo", in_natuna));
    CHECK_FALSE(in_scope(*agency, "demo", in_anambas));

    // The same subject with another key that matches the SPKI entry: both operator entries.
    auto both_keys = auth.authenticate(ctx_with(cert("CN=Agency,O=T,C=ID", 'c')), Role::operator_);
    REQUIRE(both_keys);
    CHECK(both_keys->scopes.size() == 2);

    auto two = auth.authenticate(ctx_with(peer("CN=Two,O=T,C=ID")), Role::operator_);
    REQUIRE(two);
    CHECK(in_scope(*two, "demo", in_natuna));
    CHECK(in_scope(*two, "demo", in_anambas));
    CHECK_FALSE(in_scope(*two, "demo", "CN=x,O=Pemerintah Kota Batam"));

    auto ca = auth.authenticate(ctx_with(peer("CN=CA,O=T,C=ID")), Role::operator_);
    REQUIRE(ca);
    CHECK(ca->scopes.empty());  // one unscoped entry: no limit

    auto reader = auth.authenticate(ctx_with(peer("CN=Reader,O=T,C=ID")), Role::auditor);
    REQUIRE(reader);
    CHECK(reader->role == Role::auditor);
    CHECK(reader->scopes.size() == 1);
    CHECK_FALSE(auth.authenticate(ctx_with(peer("CN=Reader,O=T,C=ID")), Role::operator_));
}
