#include "admin/admin_routes.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "admin/crl_stages.hpp"
#include "core/base64.hpp"
#include "core/time_format.hpp"
#include "pki/crl_builder.hpp"
#include "tests/support/fake_clock.hpp"
#include "tests/support/served_ca.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_ca.hpp"

using namespace tanda;
using namespace tanda::admin;
namespace json = boost::json;

namespace {

constexpr const char* kOperator = "CN=Operator,O=Tanda Test,C=ID";
constexpr const char* kOperator2 = "CN=Second Operator,O=Tanda Test,C=ID";
constexpr const char* kAuditor = "CN=Auditor,O=Tanda Test,C=ID";

struct FakeCrl : CrlPublicationSource, CrlReissuer {
    std::optional<CrlPublication> published_after(std::string_view,
                                                  std::uint64_t seq) const override {
        if (seq > covered) return std::nullopt;
        return CrlPublication{number, 1'800'000'000};
    }
    Result<std::optional<CrlGeneration>> reissue(std::string_view ca) override {
        if (failing) return fail(ErrorCode::io, "cannot write CRL");
        if (ca != "demo") return std::optional<CrlGeneration>();
        ++number;
        return std::optional<CrlGeneration>(CrlGeneration{
            std::string(ca), {number, 1'800'000'000, 1'800'086'400},
            IssuedCrl{number, 1'800'000'000, 1'800'003'600}, number});
    }
    Result<CrlImported> import_crl(std::string_view ca, ByteView der,
                                   const storage::Provenance& why) override {
        imported.assign(der.begin(), der.end());
        import_source = why.source;
        if (refusing) return fail(ErrorCode::conflict, "its CRL number 3 is not above 7");
        CrlImported done;
        done.ca = std::string(ca);
        done.crl = {8, 1'800'000'000, 1'800'086'400};
        done.entries = 3;
        done.revoked = 2;
        done.released = 1;
        return done;
    }
    std::uint64_t covered = 0;
    std::uint64_t number = 7;
    bool failing = false;
    bool refusing = false;
    Bytes imported;
    std::string import_source;
};

struct Fixture {
    test::TempDir dir;
    test::FakeClock clock{SystemClock().now()};
    Logger logger{LogLevel::error};
    test::TestCa ca;
    test::TestCa other{pki::KeyType::ec_p256, "CN=Other CA,O=Tanda Test,C=ID"};
    std::unique_ptr<storage::RevocationIndex> index =
        test::must(storage::RevocationIndex::open({(dir / "db").string(), 1 << 26, 126}));
    FakeCrl crl;
    std::unique_ptr<AdminService> service;
    Authenticator auth{{{Role::operator_, kOperator, "", ""},
                        {Role::operator_, kOperator2, "", ""},
                        {Role::auditor, kAuditor, "", ""}},
                       RateLimitOptions{100, std::chrono::seconds(60), std::chrono::seconds(1)},
                       logger};
    http::Router router;
    Caller op{kOperator, "", Role::operator_};

    // approvals 1 unless a test is about dual control.
    explicit Fixture(unsigned approvals = 1) {
        AdminOptions options;
        options.cas = {{"demo", false, false, approvals}, {"plain", false, false, approvals}};
        // "plain" is served but publishes no CRLs (the reissuer answers nullopt).
        auto registry = std::make_shared<ca::CaRegistry>(
            test::load_registry({test::write_ca_files(dir, "demo", ca, std::nullopt),
                                 test::write_ca_files(dir, "plain", other, std::nullopt)}));
        test::must(ca::bind_storage(*registry, *index, clock.now()));
        service = std::make_unique<AdminService>([registry] { return registry; }, *index, clock,
                                                 logger, &crl, &crl, options);
        add_admin_routes(router, *service, auth);
    }

    http::Response call(http::Verb verb, const std::string& target, const char* subject,
                        std::string body = "", std::string spki = "") {
        http::Request req{verb, target, 11};
        req.body() = std::move(body);
        http::RequestContext ctx;
        ctx.tls = true;
        ctx.remote_address = "127.0.0.1:4000";
        http::PeerCertificate peer;
        peer.verified = true;
        peer.subject = subject;
        peer.spki_sha256 = std::move(spki);
        ctx.peer = peer;
        return router.route(req, ctx);
    }

    // Registers a certificate of `subject` with the demo CA and revokes it at once.
    ApiResult<ChangeResult> revoke_registered(const std::string& subject,
                                               const std::string& request_id) {
        auto issued = ca.issue(subject);
        REQUIRE(service->register_certificates({"demo", {issued.cert.pem()}}, op));
        RevocationRequest r;
        r.request_id = request_id;
        r.ca = "demo";
        r.serial = issued.cert.serial();
        r.reason = Reason::key_compromise;
        r.subject_dn = subject;
        r.requested_by = "holder";
        r.approved_by = "supervisor";
        r.approved_at = clock.now() - 60;
        r.evidence_sha256 = std::string(64, 'b');
        return service->revoke(r, op);
    }
};

json::object body_of(const http::Response& res) { return json::parse(res.body()).as_object(); }

}  // namespace

TEST_CASE("POST /v1/crls/{ca}/generate answers the new CRL and its delta", "[routes]") {
    Fixture f;
    auto res = f.call(http::Verb::post, "/v1/crls/demo/generate", kOperator);
    REQUIRE(res.result() == http::Status::created);
    CHECK(res[http::Field::content_type] == "application/json");
    auto o = body_of(res);
    CHECK(o.at("ca").as_string() == "demo");
    CHECK(o.at("crl_number").to_number<std::uint64_t>() == 8);
    CHECK(o.at("this_update").as_string() == "2027-01-15T08:00:00Z");
    CHECK(o.at("next_update").as_string() == "2027-01-16T08:00:00Z");
    const auto& delta = o.at("delta").as_object();
    CHECK(delta.at("crl_number").to_number<std::uint64_t>() == 8);
    CHECK(delta.at("base_crl_number").to_number<std::uint64_t>() == 8);
    CHECK(body_of(f.call(http::Verb::post, "/v1/crls/demo/generate", kOperator))
              .at("crl_number")
              .to_number<std::uint64_t>() == 9);
}

TEST_CASE("POST /v1/crls/{ca}/import takes a CRL as PEM or base64 DER", "[routes]") {
    Fixture f;
    auto signer = test::must(pki::CrlSigner::create(f.ca.cert(), f.ca.key()));
    pki::CrlParams p{3, f.clock.now() - 60, f.clock.now() + 86400};
    pki::CrlBuilder b(signer, p);
    const Bytes der = test::must(b.finish());
    const std::string b64 = base64_encode(der);
    std::string pem = "-----BEGIN X509 CRL-----\n";
    for (std::size_t i = 0; i < b64.size(); i += 64) pem += b64.substr(i, 64) + "\n";
    pem += "-----END X509 CRL-----\n";
    for (const std::string& given : {b64, pem}) {
        f.crl.imported.clear();
        boost::json::object body{{"crl", given}};
        auto res = f.call(http::Verb::post, "/v1/crls/demo/import", kOperator,
                          boost::json::serialize(body));
        REQUIRE(res.result() == http::Status::created);
        CHECK(f.crl.imported == der);
        CHECK_THAT(f.crl.import_source, Catch::Contains("crl-import"));
        auto o = body_of(res);
        CHECK(o.at("crl_number").to_number<std::uint64_t>() == 8);
        CHECK(o.at("kind").as_string() == "full");
        CHECK(o.at("revoked").to_number<std::uint64_t>() == 2);
        CHECK(o.at("released").to_number<std::uint64_t>() == 1);
    }
    auto junk = f.call(http::Verb::post, "/v1/crls/demo/import", kOperator, R"({"crl":"AAAA"})");
    CHECK(junk.result() == http::Status::bad_request);
    CHECK(body_of(junk).at("error").at("field").as_string() == "crl");
    auto auditor = f.call(http::Verb::post, "/v1/crls/demo/import", kAuditor,
                          boost::json::serialize(boost::json::object{{"crl", b64}}));
    CHECK(auditor.result() == http::Status::forbidden);
    f.crl.refusing = true;
    auto refused = f.call(http::Verb::post, "/v1/crls/demo/import", kOperator,
                          boost::json::serialize(boost::json::object{{"crl", b64}}));
    CHECK(refused.result() == http::Status::conflict);
    CHECK_THAT(std::string(body_of(refused).at("error").at("message").as_string()),
               Catch::Contains("not above 7"));
}

TEST_CASE("POST /v1/crls/{ca}/generate refusals", "[routes]") {
    Fixture f;
    auto auditor = f.call(http::Verb::post, "/v1/crls/demo/generate", kAuditor);
    CHECK(auditor.result() == http::Status::forbidden);
    CHECK(f.crl.number == 7);  // nothing generated

    auto unknown = f.call(http::Verb::post, "/v1/crls/nope/generate", kOperator);
    CHECK(unknown.result() == http::Status::not_found);
    CHECK(body_of(unknown).at("error").at("field").as_string() == "ca");
    auto plain = f.call(http::Verb::post, "/v1/crls/plain/generate", kOperator);
    CHECK(plain.result() == http::Status::not_found);
    CHECK(std::string(body_of(plain).at("error").at("message").as_string())
              .find("does not publish CRLs") != std::string::npos);
    CHECK(f.call(http::Verb::post, "/v1/crls/demo", kOperator).result() ==
          http::Status::not_found);
    CHECK(f.call(http::Verb::post, "/v1/crls/demo/other", kOperator).result() ==
          http::Status::not_found);
    CHECK(f.call(http::Verb::get, "/v1/crls/demo/generate", kOperator).result() ==
          http::Status::method_not_allowed);

    f.crl.failing = true;
    auto failed = f.call(http::Verb::post, "/v1/crls/demo/generate", kOperator);
    CHECK(failed.result() == http::Status::service_unavailable);
    auto error = body_of(failed).at("error").as_object();
    CHECK(error.at("status").to_number<int>() == 503);
    CHECK(error.at("code").as_string() == "unavailable");
    CHECK(std::string(error.at("message").as_string()).find("cannot write CRL") !=
          std::string::npos);
}

TEST_CASE("GET /v1/requests/{id}: published_in_crl and success once a CRL covers it",
          "[routes]") {
    Fixture f;
    auto done = f.revoke_registered("CN=Budi Santoso,O=Tanda Test,C=ID", "req-crl");
    REQUIRE(done);

    auto before = body_of(f.call(http::Verb::get, "/v1/requests/req-crl", kAuditor));
    CHECK(before.at("published_in_crl").is_null());
    CHECK(before.at("crl_publisher").as_bool());
    CHECK(before.at("status").as_string() == "applied");

    f.crl.covered = done->seq;
    auto after = body_of(f.call(http::Verb::get, "/v1/requests/req-crl", kAuditor));
    CHECK(after.at("published_in_crl").at("crl_number").to_number<std::uint64_t>() == 7);
    CHECK(after.at("published_in_crl").at("published_at").as_string() ==
          "2027-01-15T08:00:00Z");
    CHECK(after.at("status").as_string() == "success");
}

TEST_CASE("GET /v1/blocks lists blocked keys, POST /v1/blocks/unblock lifts them", "[routes]") {
    Fixture f;
    const std::string spki(64, 'b'), key = "spki:" + spki;
    for (int i = 0; i < 100; ++i) {
        (void)f.call(http::Verb::get, "/v1/journal/verify", "CN=Nobody", "", spki);
    }
    CHECK(f.call(http::Verb::get, "/v1/journal/verify", "CN=Nobody", "", spki).result() ==
          http::Status::too_many_requests);
    auto listed = f.call(http::Verb::get, "/v1/blocks", kAuditor);
    REQUIRE(listed.result() == http::Status::ok);
    auto o = body_of(listed);
    CHECK(o.at("max_failures").to_number<int>() == 100);
    CHECK(o.at("block_seconds").to_number<int>() == 1);
    const auto& blocks = o.at("blocks").as_array();
    REQUIRE(blocks.size() == 1);
    CHECK(blocks[0].at("key").as_string() == key);
    CHECK(blocks[0].at("failures").to_number<int>() == 100);
    CHECK(blocks[0].at("seconds_left").to_number<int>() == 1);
    CHECK(blocks[0].at("blocked_until").as_string().size() == 20);

    const std::string body = R"({"key":")" + key + "\"}";
    auto post = [&](const char* who, const std::string& b) {
        return f.call(http::Verb::post, "/v1/blocks/unblock", who, b);
    };
    CHECK(post(kAuditor, body).result() == http::Status::forbidden);
    auto unknown_field = post(kOperator, R"({"key":"ip:1.2.3.4","colour":1})");
    CHECK(unknown_field.result() == http::Status::bad_request);
    CHECK(body_of(unknown_field).at("error").at("field").as_string() == "colour");
    auto twice = post(kOperator, R"({"key":"ip:1.2.3.4","key":")" + key + "\"}");
    CHECK(twice.result() == http::Status::bad_request);
    CHECK(body_of(twice).at("error").at("field").as_string() == "key");

    auto lifted = post(kOperator, body);
    REQUIRE(lifted.result() == http::Status::ok);
    CHECK(json::serialize(body_of(lifted)) == R"({"unblocked":[")" + key + "\"]}");
    CHECK(f.call(http::Verb::get, "/v1/journal/verify", "CN=Nobody", "", spki).result() ==
          http::Status::forbidden);
    auto again = post(kOperator, body);
    CHECK(again.result() == http::Status::not_found);
    CHECK(body_of(again).at("error").at("field").as_string() == "key");
    CHECK(json::serialize(body_of(post(kOperator, R"({"all":true})"))) == R"({"unblocked":[]})");
    CHECK(body_of(f.call(http::Verb::get, "/v1/blocks", kAuditor)).at("blocks").as_array().empty());
    CHECK(f.auth.counters().unblocks == 1);
}

TEST_CASE("dual control routes: 202 pending, list, approve by another operator, reject",
          "[routes][dual]") {
    Fixture f(2);
    std::vector<Serial> serials;
    for (const char* cn : {"Budi Santoso", "Siti Rahma"}) {
        auto issued = f.ca.issue(std::string("CN=") + cn + ",O=Tanda Test,C=ID");
        REQUIRE(f.service->register_certificates({"demo", {issued.cert.pem()}}, f.op));
        serials.push_back(issued.cert.serial());
    }
    for (int i = 0; i < 2; ++i) {
        const std::string body =
            R"({"request_id":"dual-)" + std::to_string(i) + R"(","ca":"demo","serial":")" +
            serials[i].to_hex() + R"(","subject_dn":"CN=x","requested_by":"holder",)" +
            R"("approved_by":"supervisor","approved_at":")" + format_rfc3339(f.clock.now() - 60) +
            R"(",)" + R"("evidence_sha256":")" + std::string(64, 'a') + R"("})";
        auto res = f.call(http::Verb::post, "/v1/revocations", kOperator, body);
        // A subject_dn that does not match is refused at submission already.
        CHECK(res.result() == http::Status::conflict);
    }
    const std::string good =
        R"({"request_id":"dual-a","ca":"demo","serial":")" + serials[0].to_hex() +
        R"(","subject_dn":"CN=Budi Santoso,O=Tanda Test,C=ID","requested_by":"holder",)" +
        R"("approved_by":"supervisor","approved_at":")" + format_rfc3339(f.clock.now() - 60) +
        R"(",)" + R"("evidence_sha256":")" + std::string(64, 'a') + R"("})";
    auto submitted = f.call(http::Verb::post, "/v1/revocations", kOperator, good);
    REQUIRE(submitted.result() == http::Status::accepted);
    CHECK(body_of(submitted).at("status").as_string() == "pending");

    auto listed = body_of(f.call(http::Verb::get, "/v1/requests?status=pending", kAuditor));
    REQUIRE(listed.at("requests").as_array().size() == 1);
    CHECK(listed.at("requests").as_array()[0].at("request_id").as_string() == "dual-a");
    CHECK(f.call(http::Verb::get, "/v1/requests?status=nope", kAuditor).result() ==
          http::Status::bad_request);

    const std::string dn = R"({"subject_dn":"CN=Budi Santoso,O=Tanda Test,C=ID"})";
    CHECK(f.call(http::Verb::post, "/v1/requests/dual-a/approve", kAuditor, dn).result() ==
          http::Status::forbidden);  // the auditor role may not
    CHECK(f.call(http::Verb::post, "/v1/requests/dual-a/approve", kOperator, dn).result() ==
          http::Status::forbidden);  // the submitter may not
    CHECK(f.call(http::Verb::post, "/v1/requests/dual-a/frobnicate", kOperator2, dn).result() ==
          http::Status::not_found);
    auto approved = f.call(http::Verb::post, "/v1/requests/dual-a/approve", kOperator2, dn);
    REQUIRE(approved.result() == http::Status::ok);
    CHECK(body_of(approved).at("status").as_string() == "revoked");
    CHECK(body_of(f.call(http::Verb::get, "/v1/requests/dual-a", kAuditor))
              .at("status")
              .as_string() == "applied");
    CHECK(f.call(http::Verb::post, "/v1/requests/dual-a/reject", kOperator2, R"({"reason":"late"})")
              .result() == http::Status::conflict);
}

TEST_CASE("GET /v1/requests/{id}: the first CRL recorded for it, not the one served now",
          "[routes]") {
    Fixture f;
    auto done = f.revoke_registered("CN=Rina Wati,O=Tanda Test,C=ID", "req-first-crl");
    REQUIRE(done);
    auto entry = f.index->journal(done->seq, 1);
    REQUIRE(entry);
    REQUIRE(entry->size() == 1);

    // CRL 5, published 40 s after the revocation, was the first; CRL 7 is served now.
    std::vector<double> seconds;
    CrlStageRecorder recorder(*f.index, f.logger, [&](std::string_view stage, double s) {
        if (stage == "crl_published") seconds.push_back(s);
    });
    recorder.record(entry->front().change.issuer, {5, done->applied_at + 40}, 0, done->seq);
    f.crl.covered = done->seq;
    auto status = body_of(f.call(http::Verb::get, "/v1/requests/req-first-crl", kAuditor));
    CHECK(status.at("published_in_crl").at("crl_number").to_number<std::uint64_t>() == 5);
    CHECK(status.at("published_in_crl").at("published_at").as_string() ==
          format_rfc3339(done->applied_at + 40));
    CHECK(status.at("status").as_string() == "success");
    CHECK(seconds == std::vector<double>{40});

    // The journal read shows both stages: the revocation visible in OCSP at its own time, and
    // the CRL's entry with its number, thisUpdate and range.
    auto page = body_of(
        f.call(http::Verb::get, "/v1/journal?since=" + std::to_string(done->seq), kAuditor));
    const auto& entries = page.at("entries").as_array();
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].at("visible_in_ocsp_at").as_string() == format_rfc3339(done->applied_at));
    CHECK(entries[0].at("crl").is_null());
    const auto& crl = entries[1];
    CHECK(crl.at("kind").as_string() == "crl_published");
    CHECK(crl.at("time").as_string() == format_rfc3339(done->applied_at + 40));
    CHECK(crl.at("visible_in_ocsp_at").is_null());
    CHECK(crl.at("crl").at("number").to_number<std::uint64_t>() == 5);
    CHECK(crl.at("crl").at("this_update").as_string() == format_rfc3339(done->applied_at + 40));
    CHECK(crl.at("crl").at("covers_from_seq").to_number<std::uint64_t>() == 1);
    CHECK(crl.at("crl").at("covers_to_seq").to_number<std::uint64_t>() == done->seq);
}

namespace {

// A cluster whose journal stream cannot be reached: nothing is ordered, nothing written.
struct UnreachableCluster final : storage::Replicator {
    Result<void> replicate(ByteView, const std::function<void(storage::StreamPosition)>&) override {
        return fail(ErrorCode::unavailable, "no NATS server answered");
    }
};

}  // namespace

TEST_CASE("a write storage cannot order is 503 with a JSON error, and nothing is applied",
          "[routes]") {
    Fixture f;
    auto issued = f.ca.issue("CN=Agus Salim,O=Tanda Test,C=ID");
    auto registered = f.service->register_certificates({"demo", {issued.cert.pem()}}, f.op);
    REQUIRE(registered);
    auto registration = f.index->journal(registered->last_seq, 1);
    REQUIRE(registration);
    REQUIRE(registration->size() == 1);
    UnreachableCluster cluster;
    f.index->set_replicator(&cluster);
    const std::string body =
        R"({"request_id":"r-503","ca":"demo","serial":")" + issued.cert.serial().to_hex() +
        R"(","subject_dn":"CN=Agus Salim,O=Tanda Test,C=ID","requested_by":"holder",)" +
        R"("approved_by":"supervisor","approved_at":")" + format_rfc3339(f.clock.now() - 60) +
        R"(","evidence_sha256":")" + std::string(64, 'd') + R"("})";
    auto res = f.call(http::Verb::post, "/v1/revocations", kOperator, body);
    f.index->set_replicator(nullptr);
    CHECK(res.result() == http::Status::service_unavailable);
    CHECK(res[http::Field::content_type] == "application/json");
    auto error = body_of(res).at("error").as_object();
    CHECK(error.at("status").to_number<unsigned>() == 503);
    CHECK(error.at("code").as_string() == "unavailable");
    CHECK(std::string(error.at("message").as_string()).find("no NATS server answered") !=
          std::string::npos);
    // Nothing was written: the request is unknown and the certificate still good.
    CHECK(f.call(http::Verb::get, "/v1/requests/r-503", kAuditor).result() ==
          http::Status::not_found);
    auto stored = f.index->find(registration->front().change.issuer, issued.cert.serial());
    REQUIRE(stored);
    REQUIRE(*stored);
    CHECK((*stored)->state == CertState::issued);
}
