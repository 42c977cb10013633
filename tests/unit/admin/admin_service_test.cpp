#include "admin/admin_service.hpp"

#include <algorithm>
#include <condition_variable>
#include <thread>

#include <catch2/catch.hpp>

#include "core/base64.hpp"
#include "storage/replicator.hpp"
#include "tests/support/fake_clock.hpp"
#include "tests/support/served_ca.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_ca.hpp"

using namespace tanda;
using namespace tanda::admin;

namespace {

struct FakeCrl : CrlPublicationSource {
    std::optional<CrlPublication> published_after(std::string_view, std::uint64_t seq) const override {
        if (seq > covered) return std::nullopt;
        return CrlPublication{7, 1'800'000'000};
    }
    std::uint64_t covered = 0;
};

struct FakeReissuer : CrlReissuer {
    Result<std::optional<CrlGeneration>> reissue(std::string_view ca) override {
        ++calls;
        if (failing) return fail(ErrorCode::io, "disk full");
        if (!publishes) return std::optional<CrlGeneration>();
        ++number;
        return std::optional<CrlGeneration>(
            CrlGeneration{std::string(ca), {number, 1'800'000'000, 1'800'086'400}, std::nullopt,
                          std::nullopt});
    }
    Result<CrlImported> import_crl(std::string_view ca, ByteView der,
                                   const storage::Provenance& why) override {
        imported.assign(der.begin(), der.end());
        import_why = why;
        if (refusal) return fail(*refusal, "refused: why");
        CrlImported done;
        done.ca = std::string(ca);
        done.crl = {5, 1'800'000'000, 1'800'086'400};
        done.revoked = 2;
        return done;
    }
    bool publishes = true;
    bool failing = false;
    std::optional<ErrorCode> refusal;
    int calls = 0;
    std::uint64_t number = 4;
    Bytes imported;
    storage::Provenance import_why;
};

struct Fixture {
    test::TempDir dir;
    test::FakeClock clock{SystemClock().now()};
    Logger logger{LogLevel::error};
    test::TestCa ca;
    std::unique_ptr<storage::RevocationIndex> index =
        test::must(storage::RevocationIndex::open({(dir / "db").string(), 1 << 26, 126}));
    FakeCrl crl;
    FakeReissuer reissuer;
    // The served CAs as `tanda serve` holds them: a reload swaps the registry here.
    std::shared_ptr<ca::CaRegistryHolder> cas;
    std::unique_ptr<AdminService> service;
    Caller op{"CN=Operator,O=Tanda Test,C=ID", "", Role::operator_};

    explicit Fixture(CaPolicy policy = {"demo", false, false, 1}) {
        cas = std::make_shared<ca::CaRegistryHolder>(registry({{"demo", &ca}}));
        AdminOptions options;
        options.cas = {policy};
        service = std::make_unique<AdminService>(snapshot(), *index, clock, logger, &crl,
                                                 &reissuer, options);
    }
    // A registry serving `served` (name, CA), loaded from files and bound to the index.
    std::shared_ptr<const ca::CaRegistry> registry(
        const std::vector<std::pair<std::string, test::TestCa*>>& served) {
        std::vector<ca::CaOptions> options;
        for (const auto& [name, c] : served) {
            options.push_back(test::write_ca_files(dir, name, *c, std::nullopt));
        }
        auto r = std::make_shared<ca::CaRegistry>(test::load_registry(options));
        test::must(ca::bind_storage(*r, *index, clock.now()));
        return r;
    }
    ca::CaSnapshot snapshot() const {
        return [holder = cas] { return holder->snapshot(); };
    }
    // Registers a fresh leaf; returns its serial.
    Serial leaf(const std::string& cn = "Budi Santoso") {
        auto issued = ca.issue("CN=" + cn + ",O=Tanda Test,C=ID");
        auto r = service->register_certificates({"demo", {issued.cert.pem()}}, op);
        REQUIRE(r);
        return issued.cert.serial();
    }
    RevocationRequest request(const Serial& serial, const std::string& id = "req-1",
                              Reason reason = Reason::key_compromise) {
        RevocationRequest r;
        r.request_id = id;
        r.ca = "demo";
        r.serial = serial;
        r.reason = reason;
        r.subject_dn = "/C=ID/O=Tanda Test/CN=Budi Santoso";
        r.requested_by = "holder";
        r.approved_by = "supervisor";
        r.approved_at = clock.now() - 60;
        r.evidence_sha256 = std::string(64, 'b');
        return r;
    }
};

// The cluster's order in memory, as a node's group commit meets concurrent writes: each write
// waits until `gather` writes have been in flight at once, or `patience` has passed, then
// they are applied one after the other at the next stream positions.
class GatheringOrder final : public storage::Replicator {
public:
    GatheringOrder(std::size_t gather, std::chrono::milliseconds patience)
        : gather_(gather), patience_(patience) {}

    Result<void> replicate(ByteView,
                           const std::function<void(storage::StreamPosition)>& apply) override {
        std::unique_lock lock(mutex_);
        most_in_flight = std::max(most_in_flight, ++in_flight_);
        changed_.notify_all();
        changed_.wait_for(lock, patience_, [this] { return most_in_flight >= gather_; });
        apply({++seq_, 0, 1});
        --in_flight_;
        return {};
    }
    std::size_t most_in_flight = 0;  // read after the writers joined

private:
    const std::size_t gather_;
    const std::chrono::milliseconds patience_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::size_t in_flight_ = 0;
    std::uint64_t seq_ = 0;
};

}  // namespace

TEST_CASE("register then revoke: record and journal entry in one commit", "[service]") {
    Fixture f;
    Serial s = f.leaf();
    auto before = test::must(f.index->stats()).journal_entries;
    auto r = f.service->revoke(f.request(s), f.op);
    REQUIRE(r);
    CHECK(r->record.state == CertState::revoked);
    CHECK(r->record.reason == Reason::key_compromise);
    CHECK(r->record.revoked_at == f.clock.now());
    CHECK_FALSE(r->replayed);
    CHECK(test::must(f.index->stats()).journal_entries == before + 1);
    auto entry = test::must(f.index->journal(r->seq, 1)).front();
    CHECK(entry.provenance.request_id == "req-1");
    CHECK(entry.provenance.approved_by == "supervisor");
    CHECK(entry.provenance.source.find("client=CN=Operator") != std::string::npos);
    auto view = f.service->certificate("demo", s);
    REQUIRE(view);
    CHECK(view->record.state == CertState::revoked);
}

TEST_CASE("replaying a request id: same body answers the original, another is 409",
          "[service]") {
    Fixture f;
    Serial s = f.leaf();
    const auto req = f.request(s);
    auto first = f.service->revoke(req, f.op);
    REQUIRE(first);
    f.clock.advance(100);
    auto again = f.service->revoke(req, f.op);
    REQUIRE(again);
    CHECK(again->replayed);
    CHECK(again->seq == first->seq);
    CHECK(again->record.revoked_at == first->record.revoked_at);
    auto other = req;
    other.reason = Reason::superseded;
    auto refused = f.service->revoke(other, f.op);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ApiErrorKind::conflict);
    CHECK(refused.error().field == "request_id");
}

TEST_CASE("revocation refusals", "[service]") {
    Fixture f;
    Serial s = f.leaf();
    auto expect = [&](RevocationRequest r, ApiErrorKind kind, const std::string& field) {
        auto out = f.service->revoke(r, f.op);
        REQUIRE_FALSE(out);
        CHECK(out.error().kind == kind);
        CHECK(out.error().field == field);
    };
    auto same_person = f.request(s, "r-a");
    same_person.approved_by = "holder";
    expect(same_person, ApiErrorKind::bad_request, "approved_by");
    auto wrong_dn = f.request(s, "r-b");
    wrong_dn.subject_dn = "CN=Someone Else,O=Tanda Test,C=ID";
    expect(wrong_dn, ApiErrorKind::conflict, "subject_dn");
    expect(f.request(*Serial::from_hex("ABCDEF"), "r-c"), ApiErrorKind::not_found, "serial");
    auto future = f.request(s, "r-d");
    future.revoked_at = f.clock.now() + 3600;
    expect(future, ApiErrorKind::bad_request, "revoked_at");
    auto no_ca = f.request(s, "r-e");
    no_ca.ca = "nope";
    expect(no_ca, ApiErrorKind::not_found, "ca");
    REQUIRE(f.service->revoke(f.request(s, "r-f"), f.op));
    expect(f.request(s, "r-g", Reason::superseded), ApiErrorKind::conflict, "serial");
    // Nothing of the refused ones was written.
    CHECK(test::must(f.index->find_request("r-a")) == std::nullopt);
    CHECK(test::must(f.index->find_request("r-d")) == std::nullopt);
    CHECK(test::must(f.index->find_request("r-b")) == std::nullopt);
}

TEST_CASE("per-CA policy: one person and unregistered serials", "[service]") {
    Fixture f({"demo", true, true, 1});
    auto r = f.request(*Serial::from_hex("ABCDEF"));
    r.approved_by = r.requested_by;
    auto done = f.service->revoke(r, f.op);
    REQUIRE(done);
    CHECK(done->record.subject == r.subject_dn);
}

TEST_CASE("hold, then release or a final reason", "[service]") {
    Fixture f;
    Serial s = f.leaf();
    REQUIRE(f.service->revoke(f.request(s, "hold-1", Reason::certificate_hold), f.op));
    auto held_again = f.service->revoke(f.request(s, "hold-2", Reason::certificate_hold), f.op);
    CHECK_FALSE(held_again);
    ReleaseRequest rel{"rel-1", "demo", s, "holder", "supervisor", std::nullopt, ""};
    auto released = f.service->release(rel, f.op);
    REQUIRE(released);
    CHECK(released->record.state == CertState::issued);
    CHECK(f.service->release(ReleaseRequest{"rel-2", "demo", s, "a", "b", std::nullopt, ""}, f.op)
              .error()
              .kind == ApiErrorKind::conflict);
    CHECK(f.service->release(rel, f.op)->replayed);
    REQUIRE(f.service->revoke(f.request(s, "hold-3", Reason::certificate_hold), f.op));
    const auto hold_time = f.clock.now();
    f.clock.advance(50);
    auto final = f.service->revoke(f.request(s, "final", Reason::key_compromise), f.op);
    REQUIRE(final);
    CHECK(final->record.reason == Reason::key_compromise);
    CHECK(final->record.revoked_at == hold_time);
}

TEST_CASE("request status: applied, then success once a CRL covers it", "[service]") {
    Fixture f;
    Serial s = f.leaf();
    auto done = f.service->revoke(f.request(s), f.op);
    REQUIRE(done);
    auto st = f.service->request("req-1");
    REQUIRE(st);
    CHECK(st->kind == "revoke");
    CHECK(st->received_at == f.clock.now());
    CHECK_FALSE(st->success());
    f.crl.covered = done->seq;
    CHECK(f.service->request("req-1")->success());
    CHECK(f.service->request("nope").error().kind == ApiErrorKind::not_found);
}

TEST_CASE("registration refuses certificates of another CA and never undoes a revocation",
          "[service]") {
    Fixture f;
    test::TestCa other;
    auto stranger = other.issue("CN=X,O=Other,C=ID");
    auto r = f.service->register_certificates({"demo", {stranger.cert.pem()}}, f.op);
    REQUIRE_FALSE(r);
    CHECK(r.error().field == "certificates[0]");
    auto mine = f.ca.issue("CN=Budi Santoso,O=Tanda Test,C=ID");
    auto der = base64_encode(mine.cert.der());
    auto ok = f.service->register_certificates({"demo", {der}}, f.op);
    REQUIRE(ok);
    CHECK(ok->registered == 1);
    REQUIRE(f.service->revoke(f.request(mine.cert.serial()), f.op));
    auto again = f.service->register_certificates({"demo", {mine.cert.pem()}}, f.op);
    REQUIRE(again);
    CHECK(again->kept_revoked == 1);
    CHECK(again->certificates.front().record.state == CertState::revoked);
}

TEST_CASE("concurrent revocations lose and duplicate nothing", "[service]") {
    Fixture f;
    std::vector<Serial> serials;
    for (int i = 0; i < 16; ++i) serials.push_back(f.leaf());
    const auto before = test::must(f.index->stats()).journal_entries;
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            // Every thread tries every serial under the same request ids: one wins, the others
            // replay the same answer.
            for (std::size_t i = 0; i < serials.size(); ++i) {
                if (f.service->revoke(f.request(serials[i], "c-" + std::to_string(i)), f.op)) ++ok;
            }
            (void)t;
        });
    }
    for (auto& th : threads) th.join();
    CHECK(ok == 64);
    CHECK(test::must(f.index->stats()).journal_entries == before + serials.size());
    auto check = f.service->verify_journal();
    REQUIRE(check);
    CHECK(check->first_bad_seq == std::nullopt);
    CHECK(check->first_difference == std::nullopt);  // the records are the refold
    CHECK(check->ok());
}

TEST_CASE("revocations of different certificates are in the replicator together",
          "[service][cluster]") {
    Fixture f;
    const Serial first = f.leaf();
    const Serial second = f.leaf();
    // Patient: before the fix, one write at a time reached the replicator, and this waited.
    GatheringOrder order(2, std::chrono::seconds(10));
    f.index->set_replicator(&order);
    std::vector<ApiResult<ChangeResult>> done(2, refuse(ApiErrorKind::internal, "", "not run"));
    {
        std::jthread a([&] { done[0] = f.service->revoke(f.request(first, "ov-1"), f.op); });
        std::jthread b([&] { done[1] = f.service->revoke(f.request(second, "ov-2"), f.op); });
    }
    CHECK(order.most_in_flight == 2);
    REQUIRE(done[0]);
    REQUIRE(done[1]);
    CHECK(done[0]->record.state == CertState::revoked);
    CHECK(done[1]->record.state == CertState::revoked);
    CHECK(test::must(f.index->applied_stream_seq()) == 2);
    auto check = f.service->verify_journal();
    REQUIRE(check);
    CHECK(check->ok());
}

TEST_CASE("two revocations of one certificate never overlap: the second finds it revoked",
          "[service][cluster]") {
    Fixture f;
    const Serial s = f.leaf();
    const auto before = test::must(f.index->journal_head()).seq;
    // Impatient: the writes must not overlap, so each waits alone for a while and goes on.
    GatheringOrder order(2, std::chrono::milliseconds(300));
    f.index->set_replicator(&order);
    std::vector<ApiResult<ChangeResult>> done(2, refuse(ApiErrorKind::internal, "", "not run"));
    {
        std::jthread a([&] {
            done[0] = f.service->revoke(f.request(s, "one-1", Reason::key_compromise), f.op);
        });
        std::jthread b(
            [&] { done[1] = f.service->revoke(f.request(s, "one-2", Reason::superseded), f.op); });
    }
    CHECK(order.most_in_flight == 1);
    REQUIRE(done[0].has_value() != done[1].has_value());
    const auto& won = done[0] ? done[0] : done[1];
    const auto& lost = done[0] ? done[1] : done[0];
    CHECK(lost.error().kind == ApiErrorKind::conflict);
    CHECK(lost.error().field == "serial");
    auto view = f.service->certificate("demo", s);
    REQUIRE(view);
    CHECK(view->record.reason == won->record.reason);
    CHECK(view->record.last_seq == won->seq);
    // One revoke entry, and the loser's refusal as an audit entry: nothing applied twice.
    auto entries = test::must(f.index->journal(before + 1, 10));
    REQUIRE(entries.size() == 2);
    CHECK(std::ranges::count_if(entries, [](const auto& e) {
              return e.change.kind == storage::ChangeKind::revoke;
          }) == 1);
    auto check = f.service->verify_journal();
    REQUIRE(check);
    CHECK(check->ok());
}

TEST_CASE("CRL generation on request: the new CRL, 404 without CRLs, 503 on failure",
          "[service]") {
    Fixture f;
    auto made = f.service->generate_crl("demo", f.op);
    REQUIRE(made);
    CHECK(made->ca == "demo");
    CHECK(made->full.crl_number == 5);
    CHECK(f.service->generate_crl("demo", f.op)->full.crl_number == 6);

    auto unknown = f.service->generate_crl("nope", f.op);
    CHECK(unknown.error().kind == ApiErrorKind::not_found);
    CHECK(unknown.error().field == "ca");
    CHECK(f.reissuer.calls == 2);  // an unknown CA never reaches the reissuer

    f.reissuer.publishes = false;
    CHECK(f.service->generate_crl("demo", f.op).error().kind == ApiErrorKind::not_found);
    f.reissuer.failing = true;
    auto failed = f.service->generate_crl("demo", f.op);
    REQUIRE_FALSE(failed);
    CHECK(failed.error().kind == ApiErrorKind::unavailable);
    CHECK(failed.error().message.find("disk full") != std::string::npos);
}

TEST_CASE("CRL import: the CRL to the reissuer with who asked, its refusals as 400 and 409",
          "[service]") {
    Fixture f;
    const Bytes der{std::byte{0x30}, std::byte{0x00}};
    auto done = f.service->import_crl("demo", der, f.op);
    REQUIRE(done);
    CHECK(done->crl.crl_number == 5);
    CHECK(f.reissuer.imported == der);
    CHECK(f.reissuer.import_why.requested_by == f.op.subject);
    CHECK_THAT(f.reissuer.import_why.source, Catch::Contains("crl-import"));
    const std::pair<ErrorCode, ApiErrorKind> cases[] = {
        {ErrorCode::invalid_argument, ApiErrorKind::bad_request},
        {ErrorCode::conflict, ApiErrorKind::conflict},
        {ErrorCode::not_found, ApiErrorKind::not_found},
        {ErrorCode::storage, ApiErrorKind::internal}};
    for (const auto& [code, kind] : cases) {
        f.reissuer.refusal = code;
        auto refused = f.service->import_crl("demo", der, f.op);
        REQUIRE_FALSE(refused);
        CHECK(refused.error().kind == kind);
    }
    CHECK(f.service->import_crl("nope", der, f.op).error().kind == ApiErrorKind::not_found);
}

TEST_CASE("CRL generation without a reissuer is 404", "[service]") {
    Fixture f;
    AdminService bare(f.snapshot(), *f.index, f.clock, f.logger, nullptr, nullptr,
                      AdminOptions{});
    CHECK(bare.generate_crl("demo", f.op).error().kind == ApiErrorKind::not_found);
}

TEST_CASE("a registry swap (SIGHUP reload) reaches the admin API: added CA in, removed CA out",
          "[service][reload]") {
    Fixture f;
    AdminOptions one_approval;  // the reload test is about CAs, not dual control
    one_approval.cas = {{"demo", false, false, 1}, {"added", false, false, 1}};
    f.service = std::make_unique<AdminService>(f.snapshot(), *f.index, f.clock, f.logger, &f.crl,
                                               &f.reissuer, one_approval);
    Serial kept = f.leaf();
    test::TestCa added(pki::KeyType::ec_p256, "CN=Added CA,O=Tanda Test,C=ID");
    f.cas->swap(f.registry({{"added", &added}}));  // "demo" removed, "added" new

    // Registered against the added CA's certificate (issued_by), then revoked.
    auto issued = added.issue("CN=Budi Santoso,O=Tanda Test,C=ID");
    auto registered = f.service->register_certificates({"added", {issued.cert.pem()}}, f.op);
    REQUIRE(registered);
    CHECK(registered->registered == 1);
    auto req = f.request(issued.cert.serial(), "req-added");
    req.ca = "added";
    auto revoked = f.service->revoke(req, f.op);
    REQUIRE(revoked);
    CHECK(revoked->ca == "added");
    CHECK(revoked->record.state == CertState::revoked);
    CHECK(f.service->certificate("added", issued.cert.serial())->record.state ==
          CertState::revoked);
    auto status = f.service->request("req-added");
    REQUIRE(status);
    CHECK(status->ca == "added");

    // The removed CA is no longer served: refused as unknown, its record left as it was.
    auto gone = f.service->revoke(f.request(kept, "req-gone"), f.op);
    REQUIRE_FALSE(gone);
    CHECK(gone.error().kind == ApiErrorKind::not_found);
    CHECK(gone.error().field == "ca");
    CHECK(f.service->certificate("demo", kept).error().kind == ApiErrorKind::not_found);
}

TEST_CASE("a CA added by a swap gets its admin.cas rules, the defaults when not listed",
          "[service][reload]") {
    Fixture f({"later", true, true, 1});  // rules for a CA not served yet
    test::TestCa later(pki::KeyType::ec_p256, "CN=Later CA,O=Tanda Test,C=ID");
    test::TestCa plain(pki::KeyType::ec_p256, "CN=Plain CA,O=Tanda Test,C=ID");
    f.cas->swap(f.registry({{"demo", &f.ca}, {"later", &later}, {"plain", &plain}}));
    auto req = f.request(*Serial::from_hex("0BAD"), "req-later");
    req.approved_by = req.requested_by;
    req.ca = "later";
    CHECK(f.service->revoke(req, f.op));  // single approver and unregistered serial allowed
    req.ca = "plain";
    req.request_id = "req-plain";
    CHECK(f.service->revoke(req, f.op).error().field == "approved_by");
}

TEST_CASE("a DN mismatch does not tell the certificate's subject", "[service]") {
    Fixture f;
    Serial s = f.leaf("Budi Santoso");
    auto wrong = f.request(s);
    wrong.subject_dn = "CN=Someone Else,O=Tanda Test,C=ID";
    auto out = f.service->revoke(wrong, f.op);
    REQUIRE_FALSE(out);
    CHECK(out.error().kind == ApiErrorKind::conflict);
    CHECK(out.error().field == "subject_dn");
    CHECK_THAT(out.error().message, Catch::Contains("does not match"));
    CHECK_THAT(out.error().message, !Catch::Contains("Budi", Catch::CaseSensitive::No) &&
                                        !Catch::Contains("Tanda Test"));
    // The forms operators paste do match.
    auto pasted = f.request(s, "req-pasted");
    pasted.subject_dn = "subject=C = ID, O = Tanda Test, CN = Budi Santoso";
    CHECK(f.service->revoke(pasted, f.op));
}

TEST_CASE("times before the CA's notBefore or after now are refused, naming the field",
          "[service]") {
    Fixture f;
    Serial s = f.leaf();
    const UnixSeconds ca_start = f.ca.cert().not_before();
    auto expect = [&](RevocationRequest r, const std::string& field, const std::string& text) {
        auto out = f.service->revoke(r, f.op);
        REQUIRE_FALSE(out);
        CHECK(out.error().kind == ApiErrorKind::bad_request);
        CHECK(out.error().field == field);
        CHECK_THAT(out.error().message, Catch::Contains(text));
    };
    auto early = f.request(s, "t-1");
    early.revoked_at = ca_start - 1;
    expect(early, "revoked_at", "notBefore");
    auto early_invalid = f.request(s, "t-2");
    early_invalid.invalidity_date = ca_start - 86400;
    expect(early_invalid, "invalidity_date", "notBefore");
    auto early_approval = f.request(s, "t-3");
    early_approval.approved_at = ca_start - 1;
    expect(early_approval, "approved_at", "notBefore");
    auto future_approval = f.request(s, "t-4");
    future_approval.approved_at = f.clock.now() + 1;
    expect(future_approval, "approved_at", "in the future");
    ReleaseRequest rel{"t-5", "demo", s, "holder", "supervisor", f.clock.now() + 60, ""};
    auto released = f.service->release(rel, f.op);
    REQUIRE_FALSE(released);
    CHECK(released.error().field == "approved_at");
    // At the bounds it is accepted.
    auto edge = f.request(s, "t-6");
    edge.revoked_at = ca_start;
    edge.approved_at = f.clock.now();
    auto done = f.service->revoke(edge, f.op);
    REQUIRE(done);
    CHECK(done->record.revoked_at == ca_start);
}

// ---- dual control (admin/dual_control.cpp) ----------------------------------------------------

namespace {

const Caller kSecond{"CN=Second Operator,O=Tanda Test,C=ID", "bb", Role::operator_};

template <typename T>
T ok(ApiResult<T> r) {
    if (!r) FAIL("refused: " << r.error().message);
    return std::move(*r);
}

CaPolicy dual_policy() {
    CaPolicy p{"demo", false, false, 2};
    p.pending_ttl = std::chrono::seconds(3600);
    return p;
}

storage::JournalEntry last_entry(Fixture& f) {
    auto head = test::must(f.index->stats()).journal_entries;
    return test::must(f.index->journal(head, 1)).front();
}

CertState state_of(Fixture& f, const Serial& s) {
    return ok(f.service->certificate("demo", s)).record.state;
}

}  // namespace

TEST_CASE("approvals 2: a revocation waits as a pending request, nothing changes",
          "[service][dual]") {
    Fixture f(dual_policy());
    Serial s = f.leaf();
    auto r = f.service->revoke(f.request(s), f.op);
    REQUIRE(r);
    CHECK(r->pending);
    CHECK(r->expires_at == f.clock.now() + 3600);
    CHECK(state_of(f, s) == CertState::issued);
    auto entry = last_entry(f);
    CHECK(entry.change.kind == storage::ChangeKind::submitted);
    CHECK(entry.provenance.submitted_by_identity == "CN=Operator,O=Tanda Test,C=ID;spki=");
    auto listed = ok(f.service->requests(storage::PendingState::pending));
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].request.request_id == "req-1");
    CHECK(ok(f.service->request("req-1")).state == "pending");
    // The same request again is a replay of the pending answer, not a second submission.
    auto again = f.service->revoke(f.request(s), f.op);
    REQUIRE(again);
    CHECK(again->pending);
    CHECK(again->replayed);
    CHECK(last_entry(f).seq == entry.seq);
}

TEST_CASE("approve by another operator applies it, journaled as dual with both identities",
          "[service][dual]") {
    Fixture f(dual_policy());
    Serial s = f.leaf();
    const auto req = f.request(s);
    REQUIRE(f.service->revoke(req, f.op));
    f.clock.advance(60);
    auto done = f.service->approve("req-1", {"CN=Budi Santoso,O=Tanda Test,C=ID"}, kSecond);
    REQUIRE(done);
    CHECK_FALSE(done->pending);
    CHECK(done->record.state == CertState::revoked);
    CHECK(state_of(f, s) == CertState::revoked);
    auto entry = last_entry(f);
    CHECK(entry.change.kind == storage::ChangeKind::revoke);
    CHECK(entry.provenance.mode == storage::ApprovalMode::dual);
    CHECK(entry.provenance.submitted_by_identity == "CN=Operator,O=Tanda Test,C=ID;spki=");
    CHECK(entry.provenance.approved_by_identity == "CN=Second Operator,O=Tanda Test,C=ID;spki=bb");
    CHECK(ok(f.service->request("req-1")).state == "applied");
    // The submitter's retry now answers the applied change.
    auto replay = f.service->revoke(req, f.op);
    REQUIRE(replay);
    CHECK_FALSE(replay->pending);
    CHECK(replay->seq == entry.seq);
    auto twice = f.service->approve("req-1", {"CN=Budi Santoso,O=Tanda Test,C=ID"}, kSecond);
    CHECK(twice.error().kind == ApiErrorKind::conflict);
}

TEST_CASE("the submitter's own certificate, by subject or by key, cannot approve",
          "[service][dual]") {
    Fixture f(dual_policy());
    f.op.spki_sha256 = "aa";
    Serial s = f.leaf();
    REQUIRE(f.service->revoke(f.request(s), f.op));
    auto approver = GENERATE(Caller{"CN=Operator,O=Tanda Test,C=ID", "aa", Role::operator_},
                             Caller{"/C=ID/O=Tanda Test/CN=Operator", "cc", Role::operator_},
                             Caller{"CN=Renamed,O=Tanda Test,C=ID", "aa", Role::operator_});
    auto refused = f.service->approve("req-1", {"CN=Budi Santoso,O=Tanda Test,C=ID"}, approver);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ApiErrorKind::forbidden);
    CHECK(state_of(f, s) == CertState::issued);
    auto entry = last_entry(f);
    CHECK(entry.change.kind == storage::ChangeKind::refused);
    CHECK(entry.provenance.note.find("another operator") != std::string::npos);
    CHECK(ok(f.service->request("req-1")).state == "pending");
}

TEST_CASE("approve re-checks the subject DN and the record, refusals are journaled",
          "[service][dual]") {
    Fixture f(dual_policy());
    Serial s = f.leaf();
    REQUIRE(f.service->revoke(f.request(s), f.op));
    auto wrong = f.service->approve("req-1", {"CN=Someone Else,O=Tanda Test,C=ID"}, kSecond);
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().kind == ApiErrorKind::conflict);
    CHECK(wrong.error().field == "subject_dn");
    CHECK(wrong.error().message.find("Budi") == std::string::npos);  // never echoed
    CHECK(last_entry(f).change.kind == storage::ChangeKind::refused);
    CHECK(state_of(f, s) == CertState::issued);
    CHECK(f.service->approve("nope", {"CN=X"}, kSecond).error().kind == ApiErrorKind::not_found);
}

TEST_CASE("reject closes a pending request with its reason; it cannot be approved after",
          "[service][dual]") {
    Fixture f(dual_policy());
    Serial s = f.leaf();
    REQUIRE(f.service->revoke(f.request(s), f.op));
    CHECK(f.service->reject("req-1", {"letter unsigned"}, f.op).error().kind ==
          ApiErrorKind::forbidden);
    auto rejected = f.service->reject("req-1", {"letter unsigned"}, kSecond);
    REQUIRE(rejected);
    CHECK(rejected->state == "rejected");
    auto entry = last_entry(f);
    CHECK(entry.change.kind == storage::ChangeKind::rejected);
    CHECK(entry.provenance.note == "letter unsigned");
    auto status = ok(f.service->request("req-1"));
    CHECK(status.state == "rejected");
    CHECK(status.note == "letter unsigned");
    CHECK(
        f.service->approve("req-1", {"CN=Budi Santoso,O=Tanda Test,C=ID"}, kSecond).error().kind ==
        ApiErrorKind::conflict);
    CHECK(f.service->revoke(f.request(s), f.op).error().kind == ApiErrorKind::conflict);
    CHECK(state_of(f, s) == CertState::issued);
}

TEST_CASE("pending requests expire after pending_ttl, journaled once", "[service][dual]") {
    Fixture f(dual_policy());
    Serial s = f.leaf();
    REQUIRE(f.service->revoke(f.request(s), f.op));
    f.clock.advance(3599);
    CHECK(ok(f.service->expire_pending()) == 0);
    f.clock.advance(1);
    CHECK(ok(f.service->request("req-1")).state == "expired");  // read, not swept
    CHECK(ok(f.service->expire_pending()) == 1);
    CHECK(last_entry(f).change.kind == storage::ChangeKind::expired);
    CHECK(ok(f.service->expire_pending()) == 0);
    CHECK(ok(f.service->requests(storage::PendingState::expired)).size() == 1);
    CHECK(
        f.service->approve("req-1", {"CN=Budi Santoso,O=Tanda Test,C=ID"}, kSecond).error().kind ==
        ApiErrorKind::conflict);
    CHECK(state_of(f, s) == CertState::issued);
}

TEST_CASE("a request submitted after a sweep expires at its own time, not before",
          "[service][dual]") {
    Fixture f(dual_policy());
    Serial first = f.leaf();
    Serial second = f.leaf();
    REQUIRE(f.service->revoke(f.request(first, "req-1"), f.op));
    f.clock.advance(10);
    CHECK(ok(f.service->expire_pending()) == 0);  // the sweep learns the earliest expiry
    f.clock.advance(10);
    REQUIRE(f.service->revoke(f.request(second, "req-2"), f.op));
    f.clock.advance(3580);  // req-1's pending_ttl has run out, req-2's has 20 s left
    CHECK(ok(f.service->expire_pending()) == 1);
    CHECK(ok(f.service->request("req-1")).state == "expired");
    CHECK(ok(f.service->request("req-2")).state == "pending");
    f.clock.advance(19);
    CHECK(ok(f.service->expire_pending()) == 0);
    f.clock.advance(1);
    CHECK(ok(f.service->expire_pending()) == 1);
    CHECK(ok(f.service->requests(storage::PendingState::expired)).size() == 2);
    CHECK(ok(f.service->requests(storage::PendingState::pending)).empty());
}

TEST_CASE("a request with a shorter pending_ttl submitted after a sweep still expires on time",
          "[service][dual]") {
    // The sweep remembers the earliest expiry it saw; a later submission that expires sooner
    // (another CA's shorter pending_ttl) must bring that time forward.
    Fixture f(dual_policy());
    test::TestCa quick_ca;
    f.cas->swap(f.registry({{"demo", &f.ca}, {"quick", &quick_ca}}));
    CaPolicy quick{"quick", false, false, 2};
    quick.pending_ttl = std::chrono::seconds(60);
    AdminOptions options;
    options.cas = {dual_policy(), quick};
    AdminService service(f.snapshot(), *f.index, f.clock, f.logger, &f.crl, &f.reissuer, options);
    auto issued = quick_ca.issue("CN=Budi Santoso,O=Tanda Test,C=ID");
    REQUIRE(service.register_certificates({"quick", {issued.cert.pem()}}, f.op));

    REQUIRE(service.revoke(f.request(f.leaf(), "long"), f.op));
    CHECK(ok(service.expire_pending()) == 0);  // the earliest expiry is now long's, in 3600 s
    auto short_lived = f.request(issued.cert.serial(), "short");
    short_lived.ca = "quick";
    REQUIRE(service.revoke(short_lived, f.op));
    f.clock.advance(59);
    CHECK(ok(service.expire_pending()) == 0);
    f.clock.advance(1);
    CHECK(ok(service.expire_pending()) == 1);
    CHECK(ok(service.request("short")).state == "expired");
    CHECK(ok(service.request("long")).state == "pending");
}

TEST_CASE("approvals 1 applies at once, journaled as single", "[service][dual]") {
    Fixture f;
    Serial s = f.leaf();
    auto r = f.service->revoke(f.request(s), f.op);
    REQUIRE(r);
    CHECK_FALSE(r->pending);
    auto entry = last_entry(f);
    CHECK(entry.provenance.mode == storage::ApprovalMode::single);
    CHECK(entry.provenance.approved_by_identity == entry.provenance.submitted_by_identity);
}

TEST_CASE("a refused revocation leaves an audit entry saying who, what and why",
          "[service][dual]") {
    Fixture f;
    Serial s = f.leaf();
    auto req = f.request(s);
    req.subject_dn = "CN=Someone Else,O=Tanda Test,C=ID";
    auto refused = f.service->revoke(req, f.op);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ApiErrorKind::conflict);
    auto entry = last_entry(f);
    CHECK(entry.change.kind == storage::ChangeKind::refused);
    CHECK(entry.change.serial == s);
    CHECK(entry.provenance.request_id == "req-1");
    CHECK(entry.provenance.submitted_by_identity.starts_with("CN=Operator"));
    CHECK(entry.provenance.note.starts_with("revoke refused: subject_dn:"));
    CHECK(state_of(f, s) == CertState::issued);
    // The id stays free for the corrected request.
    CHECK(f.service->revoke(f.request(s), f.op));
}

TEST_CASE("requested_by and approved_by naming one person in other spelling is refused",
          "[service][dual]") {
    Fixture f;
    Serial s = f.leaf();
    auto req = f.request(s);
    req.requested_by = "Operator A";
    req.approved_by = "operator  a ";
    auto refused = f.service->revoke(req, f.op);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().field == "approved_by");
}

TEST_CASE("a release under dual control waits, and its approval re-checks the hold",
          "[service][dual]") {
    Fixture f(dual_policy());
    Serial s = f.leaf();
    REQUIRE(f.service->revoke(f.request(s, "hold", Reason::certificate_hold), f.op));
    REQUIRE(f.service->approve("hold", {"CN=Budi Santoso,O=Tanda Test,C=ID"}, kSecond));
    ReleaseRequest rel{"rel", "demo", s, "holder", "supervisor", f.clock.now() - 10, ""};
    auto pending = f.service->release(rel, f.op);
    REQUIRE(pending);
    CHECK(pending->pending);
    CHECK(pending->kind == "release");
    CHECK(ok(f.service->certificate("demo", s)).record.on_hold());
    auto done = f.service->approve("rel", {"CN=Budi Santoso,O=Tanda Test,C=ID"}, kSecond);
    REQUIRE(done);
    CHECK(done->record.state == CertState::issued);
    CHECK(last_entry(f).provenance.mode == storage::ApprovalMode::dual);
    // A second release submitted now finds no hold: refused and journaled at submission.
    ReleaseRequest again{"rel-2", "demo", s, "holder", "supervisor", f.clock.now() - 10, ""};
    CHECK(f.service->release(again, f.op).error().kind == ApiErrorKind::conflict);
    CHECK(last_entry(f).change.kind == storage::ChangeKind::refused);
}

// ---- scheduled revocations (admin/scheduled_revocations.cpp) -----------------------------------

namespace {

const Caller kThird{"CN=Third Operator,O=Tanda Test,C=ID", "dd", Role::operator_};

RevocationRequest scheduled_request(Fixture& f, const Serial& s, UnixSeconds effective,
                                    const std::string& id = "sched-1") {
    auto r = f.request(s, id, Reason::cessation_of_operation);
    r.effective_at = effective;
    return r;
}

}  // namespace

TEST_CASE("a scheduled revocation is approved, survives the pending_ttl, and applies at its "
          "second, not before",
          "[service][scheduled]") {
    Fixture f(dual_policy());
    Serial s = f.leaf();
    const UnixSeconds effective = f.clock.now() + 7200;  // after the 1 h pending_ttl
    auto submitted = ok(f.service->revoke(scheduled_request(f, s, effective), f.op));
    CHECK(submitted.pending);
    CHECK(submitted.effective_at == effective);
    CHECK(ok(f.service->request("sched-1")).state == "pending");
    f.clock.advance(60);
    auto approved =
        ok(f.service->approve("sched-1", {"CN=Budi Santoso,O=Tanda Test,C=ID"}, kSecond));
    CHECK(approved.scheduled);
    CHECK(last_entry(f).change.kind == storage::ChangeKind::scheduled);
    CHECK(state_of(f, s) == CertState::issued);
    CHECK(f.service->approve("sched-1", {"CN=Budi Santoso,O=Tanda Test,C=ID"}, kThird)
              .error()
              .kind == ApiErrorKind::conflict);
    CHECK(f.service->reject("sched-1", {"no"}, kThird).error().kind == ApiErrorKind::conflict);

    f.clock.set(effective - 1);  // long past its pending_ttl: not expired, not applied
    CHECK(ok(f.service->expire_pending()) == 0);
    CHECK(state_of(f, s) == CertState::issued);
    auto listed = ok(f.service->scheduled(kSecond));
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].state == "scheduled");
    CHECK(listed[0].effective_at == effective);
    CHECK(ok(f.service->request("sched-1")).state == "scheduled");

    f.clock.set(effective);
    CHECK(ok(f.service->expire_pending()) == 0);  // applied, not expired
    auto record = ok(f.service->certificate("demo", s)).record;
    CHECK(record.state == CertState::revoked);
    CHECK(record.revoked_at == effective);
    CHECK(record.reason == Reason::cessation_of_operation);
    auto entry = last_entry(f);
    CHECK(entry.change.kind == storage::ChangeKind::revoke);
    CHECK(entry.time == effective);
    CHECK(entry.provenance.mode == storage::ApprovalMode::dual);
    CHECK(entry.provenance.approved_by_identity == "CN=Second Operator,O=Tanda Test,C=ID;spki=bb");
    auto status = ok(f.service->request("sched-1"));
    CHECK(status.state == "applied");
    CHECK(status.effective_at == effective);
    CHECK(status.approved_at == submitted.applied_at + 60);
    CHECK(ok(f.service->scheduled(kSecond)).empty());
}

TEST_CASE("a scheduled revocation is applied by a new service over the same index (restart)",
          "[service][scheduled]") {
    Fixture f(dual_policy());
    Serial s = f.leaf();
    const UnixSeconds effective = f.clock.now() + 100;
    REQUIRE(f.service->revoke(scheduled_request(f, s, effective), f.op));
    REQUIRE(f.service->approve("sched-1", {"CN=Budi Santoso,O=Tanda Test,C=ID"}, kSecond));
    AdminOptions options;
    options.cas = {dual_policy()};
    f.service = std::make_unique<AdminService>(f.snapshot(), *f.index, f.clock, f.logger, &f.crl,
                                               &f.reissuer, options);
    f.clock.set(effective + 30);
    REQUIRE(f.service->expire_pending());
    auto record = ok(f.service->certificate("demo", s)).record;
    CHECK(record.state == CertState::revoked);
    CHECK(record.revoked_at == effective);
}

TEST_CASE("cancelling a scheduled revocation takes two operators", "[service][scheduled]") {
    Fixture f(dual_policy());
    Serial s = f.leaf();
    const UnixSeconds effective = f.clock.now() + 100;
    REQUIRE(f.service->revoke(scheduled_request(f, s, effective), f.op));
    // Not approved yet: that is a rejection, not a cancellation.
    CHECK(f.service->cancel("sched-1", {"why"}, kThird).error().kind == ApiErrorKind::conflict);
    REQUIRE(f.service->approve("sched-1", {"CN=Budi Santoso,O=Tanda Test,C=ID"}, kSecond));
    CHECK(ok(f.service->cancel("sched-1", {"term extended"}, kThird)).state == "cancel_requested");
    CHECK(last_entry(f).change.kind == storage::ChangeKind::cancel_requested);
    CHECK(f.service->cancel("sched-1", {"again"}, kThird).error().kind == ApiErrorKind::forbidden);
    CHECK(ok(f.service->cancel("sched-1", {"agreed"}, f.op)).state == "cancelled");
    auto closed = last_entry(f);
    CHECK(closed.change.kind == storage::ChangeKind::rejected);
    CHECK(closed.provenance.note == "cancelled: term extended");
    f.clock.set(effective + 1);
    REQUIRE(f.service->expire_pending());
    CHECK(state_of(f, s) == CertState::issued);
    CHECK(ok(f.service->request("sched-1")).state == "cancelled");
    CHECK(f.service->cancel("sched-1", {"late"}, kSecond).error().kind == ApiErrorKind::conflict);
}

TEST_CASE("a scheduled revocation superseded by another revocation closes unapplied",
          "[service][scheduled]") {
    Fixture f;  // approvals 1: scheduled at submission
    Serial s = f.leaf();
    const UnixSeconds effective = f.clock.now() + 100;
    auto r = ok(f.service->revoke(scheduled_request(f, s, effective), f.op));
    CHECK(r.scheduled);
    REQUIRE(f.service->revoke(f.request(s, "compromised"), f.op));
    f.clock.set(effective);
    REQUIRE(f.service->expire_pending());
    CHECK(ok(f.service->certificate("demo", s)).record.reason == Reason::key_compromise);
    auto status = ok(f.service->request("sched-1"));
    CHECK(status.state == "rejected");
    CHECK(status.note.starts_with("scheduled revocation not applied"));
}

TEST_CASE("a scheduled revocation must lie in the future", "[service][scheduled]") {
    Fixture f;
    Serial s = f.leaf();
    auto r = f.service->revoke(scheduled_request(f, s, f.clock.now()), f.op);
    REQUIRE_FALSE(r);
    CHECK(r.error().field == "effective_at");
}

TEST_CASE("a replay, the pending list and the stage observer see a scheduled revocation",
          "[service][scheduled][stages]") {
    Fixture f(dual_policy());
    std::vector<std::pair<std::string, double>> seen;
    f.service->set_stage_observer(
        [&seen](std::string_view stage, double s) { seen.emplace_back(stage, s); });
    Serial s = f.leaf();
    const UnixSeconds effective = f.clock.now() + 1000;
    const auto req = scheduled_request(f, s, effective);
    REQUIRE(f.service->revoke(req, f.op));
    f.clock.advance(40);
    REQUIRE(f.service->approve("sched-1", {"CN=Budi Santoso,O=Tanda Test,C=ID"}, kSecond));
    auto replay = ok(f.service->revoke(req, f.op));
    CHECK(replay.replayed);
    CHECK(replay.scheduled);
    CHECK_FALSE(replay.pending);
    auto listed = ok(f.service->requests(storage::PendingState::pending));
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].state == "scheduled");
    f.clock.set(effective + 3);  // applied 3 s late
    REQUIRE(f.service->expire_pending());
    using Seen = std::vector<std::pair<std::string, double>>;
    REQUIRE(seen.size() == 3);
    CHECK(Seen(seen.begin(), seen.begin() + 2) == Seen{{"approved", 40}, {"applied", 3}});
    // The write's own duration (a steady clock, not the fake one): measured, not asserted.
    CHECK(seen[2].first == "visible_in_ocsp");
    CHECK(seen[2].second >= 0);
}
