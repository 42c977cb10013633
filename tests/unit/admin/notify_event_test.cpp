#include "admin/notify_event.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace tanda;
using admin::EventStage;

namespace {

storage::JournalEntry entry(storage::ChangeKind kind, std::string request_id) {
    storage::JournalEntry e;
    e.seq = 42;
    e.time = 1700000000;
    e.change.kind = kind;
    e.change.issuer = 3;
    e.change.serial = *Serial::from_hex("3007");
    e.change.record.state =
        kind == storage::ChangeKind::revoke ? CertState::revoked : CertState::issued;
    e.change.record.reason = Reason::key_compromise;
    e.provenance.request_id = std::move(request_id);
    return e;
}

}  // namespace

TEST_CASE("an admin revocation or release gives 'applied' then 'success' once in a CRL",
          "[admin][notify]") {
    auto kind = GENERATE(storage::ChangeKind::revoke, storage::ChangeKind::release);
    auto events = admin::events_for(entry(kind, "req-1"));
    REQUIRE(events.size() == 2);
    CHECK(events[0].id == "tanda-42-applied");
    CHECK(events[0].type == "applied");
    CHECK(events[0].stage == EventStage::committed);
    CHECK(events[1].id == "tanda-42-success");
    CHECK(events[1].stage == EventStage::in_crl);
    for (const auto& ev : events) {
        CHECK(ev.request_id == "req-1");
        CHECK(ev.seq == 42);
        CHECK(ev.issuer == 3);
    }
}

TEST_CASE("imports and registrations tell nobody", "[admin][notify]") {
    auto kind = GENERATE(storage::ChangeKind::register_certificate, storage::ChangeKind::update,
                         storage::ChangeKind::revoke, storage::ChangeKind::release);
    const bool admin_request =
        kind == storage::ChangeKind::register_certificate || kind == storage::ChangeKind::update;
    // Registrations carry a request id and still give nothing; imports have none.
    CHECK(admin::events_for(entry(kind, admin_request ? "reg-1" : "")).empty());
}

TEST_CASE("an event body names the request, the certificate and the CRL", "[admin][notify]") {
    auto events = admin::events_for(entry(storage::ChangeKind::revoke, "req-9"));
    auto applied = boost::json::parse(admin::event_body(events[0], "demo", std::nullopt));
    CHECK(applied.at("event_id") == "tanda-42-applied");
    CHECK(applied.at("type") == "applied");
    CHECK(applied.at("request_id") == "req-9");
    CHECK(applied.at("kind") == "revoke");
    CHECK(applied.at("ca") == "demo");
    CHECK(applied.at("serial") == "3007");
    CHECK(applied.at("status") == "revoked");
    CHECK(applied.at("reason") == "keyCompromise");
    CHECK(applied.at("applied_at") == "2023-11-14T22:13:20Z");
    CHECK(applied.at("published_in_crl").is_null());
    auto success = boost::json::parse(
        admin::event_body(events[1], "demo", admin::CrlPublication{12, 1700000060}));
    CHECK(success.at("published_in_crl").at("crl_number") == 12);
    CHECK(success.at("published_in_crl").at("published_at") == "2023-11-14T22:14:20Z");
}

TEST_CASE("dual-control audit entries give one committed event of their state",
          "[admin][notify][dual]") {
    auto [kind, type] = GENERATE(table<storage::ChangeKind, std::string>({
        {storage::ChangeKind::submitted, "pending"},
        {storage::ChangeKind::rejected, "rejected"},
        {storage::ChangeKind::expired, "expired"},
        {storage::ChangeKind::refused, "refused"},
    }));
    auto e = entry(kind, "req-1");
    e.change.record.state = CertState::revoked;  // a revocation was asked for
    e.provenance.note = "why";
    auto events = admin::events_for(e);
    REQUIRE(events.size() == 1);
    CHECK(events[0].id == "tanda-42-" + type);
    CHECK(events[0].stage == EventStage::committed);
    auto body = boost::json::parse(admin::event_body(events[0], "demo", std::nullopt));
    CHECK(body.at("status") == boost::json::value(type));  // nothing was applied
    CHECK(body.at("kind") == "revoke");
    CHECK(body.at("applied_at").is_null());
    CHECK(body.at("note") == "why");
    CHECK(admin::events_for(entry(kind, "")).empty());
}

TEST_CASE("a change approved by a second operator gives 'approved' before 'applied'",
          "[admin][notify][dual]") {
    auto e = entry(storage::ChangeKind::revoke, "req-1");
    e.provenance.mode = storage::ApprovalMode::dual;
    auto events = admin::events_for(e);
    REQUIRE(events.size() == 3);
    CHECK(events[0].type == "approved");
    CHECK(events[1].type == "applied");
    CHECK(events[2].type == "success");
}

TEST_CASE("a scheduled revocation tells the holder scheduled, then applied without 'approved'",
          "[admin][notify][scheduled]") {
    auto [kind, note, type] = GENERATE(table<storage::ChangeKind, std::string, std::string>({
        {storage::ChangeKind::scheduled, "scheduled: takes effect at ...", "scheduled"},
        {storage::ChangeKind::cancel_requested, "cancel requested: x", "cancel_requested"},
        {storage::ChangeKind::rejected, "cancelled: term extended", "cancelled"},
    }));
    auto e = entry(kind, "req-1");
    e.provenance.note = note;
    auto events = admin::events_for(e);
    REQUIRE(events.size() == 1);
    CHECK(events[0].type == type);
    CHECK(events[0].stage == EventStage::committed);

    auto applied = entry(storage::ChangeKind::revoke, "req-1");
    applied.provenance.mode = storage::ApprovalMode::dual;
    applied.provenance.source = "admin;revoke;received=2026-01-01T00:00:00Z;approved_at=-;"
                                "body_sha256=ab;effective_at=2026-02-01T00:00:00Z;client=CN=x";
    auto later = admin::events_for(applied);
    REQUIRE(later.size() == 2);
    CHECK(later[0].type == "applied");
    CHECK(later[1].type == "success");
}
