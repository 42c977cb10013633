#include "admin/notifier.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tests/support/fake_clock.hpp"
#include "tests/support/recording_logger.hpp"
#include "tests/unit/admin/notify_test_support.hpp"

using namespace tanda;
using test::FakeCrls;
using test::NotifyIndex;
using test::RecordingTransport;

namespace {

struct Fixture {
    NotifyIndex db;
    RecordingTransport transport;
    FakeCrls crls;
    test::FakeClock clock{1700000500};
    test::RecordingLogger logger;
    std::unique_ptr<admin::Notifier> make() {
        auto n = admin::Notifier::create(
            test::notify_target(), "s3cret", *db.index, &crls,
            [](storage::IssuerId id) { return id == 1 ? std::string("demo") : std::string(); },
            transport.bind(), clock, logger);
        REQUIRE(n);
        return std::move(*n);
    }
};

}  // namespace

TEST_CASE("a new target starts at the journal head and gets what is committed after",
          "[admin][notify]") {
    Fixture f;
    f.db.revoke("01", "before");
    auto n = f.make();
    const auto seq = f.db.revoke("02", "after");
    CHECK(n->backlog() == 2);  // the registration and the revocation
    auto ok = n->pass();
    REQUIRE(ok);
    CHECK(*ok);
    // No CRL reflects it yet: only "applied", and "success" waits.
    CHECK(f.transport.ids() ==
          std::vector<std::string>{"tanda-" + std::to_string(seq) + "-applied"});
    CHECK(n->backlog() == 0);
    CHECK(n->oldest_age_seconds() == 300);  // committed at 1700000200, now 1700000500
    f.crls.cover("demo", seq);
    REQUIRE(n->pass());
    CHECK(f.transport.ids().size() == 2);
    CHECK(f.transport.ids().back() == "tanda-" + std::to_string(seq) + "-success");
    CHECK(n->oldest_age_seconds() == 0);
    CHECK(n->delivered() == 2);
    const auto& req = f.transport.requests.front();
    CHECK(req.target() == "/hooks/tanda");
    CHECK(req.body().find("\"request_id\":\"after\"") != std::string::npos);
    CHECK(f.logger.text().find("s3cret") == std::string::npos);
}

TEST_CASE("undelivered events survive a restart and come in journal order", "[admin][notify]") {
    Fixture f;
    auto n = f.make();
    const auto a = f.db.revoke("0A", "req-a");
    const auto b = f.db.revoke("0B", "req-b");
    f.transport.down = true;
    auto ok = n->pass();
    REQUIRE(ok);
    CHECK_FALSE(*ok);
    CHECK(n->failures() == 1);
    CHECK(n->backlog() == 3);  // the first registration, which gives no event, is passed
    CHECK(n->oldest_age_seconds() > 0);
    CHECK(f.logger.text().find("webhook delivery failed") != std::string::npos);
    // A 5xx is no delivery either.
    f.transport.down = false;
    f.transport.status = 503;
    REQUIRE_FALSE(*n->pass());
    CHECK(n->failures() == 2);
    n.reset();  // a crash or restart: only storage remains

    f.transport.status = 200;
    f.transport.requests.clear();
    f.crls.cover("demo", b);
    auto again = f.make();
    REQUIRE(*again->pass());
    CHECK(f.transport.ids() == std::vector<std::string>{"tanda-" + std::to_string(a) + "-applied",
                                                        "tanda-" + std::to_string(b) + "-applied",
                                                        "tanda-" + std::to_string(a) + "-success",
                                                        "tanda-" + std::to_string(b) + "-success"});
    // Delivered means acknowledged: nothing is sent twice once the cursor moved.
    REQUIRE(*again->pass());
    CHECK(f.transport.ids().size() == 4);
    auto third = f.make();
    REQUIRE(*third->pass());
    CHECK(f.transport.ids().size() == 4);
}

TEST_CASE("a waiting success does not hold back later requests' applied events",
          "[admin][notify]") {
    Fixture f;
    auto n = f.make();
    const auto a = f.db.revoke("0A", "req-a");
    REQUIRE(*n->pass());
    const auto b = f.db.revoke("0B", "req-b");
    REQUIRE(*n->pass());
    CHECK(f.transport.ids() == std::vector<std::string>{"tanda-" + std::to_string(a) + "-applied",
                                                        "tanda-" + std::to_string(b) + "-applied"});
}

TEST_CASE("a CA without CRLs, or no longer served, gives no success event", "[admin][notify]") {
    Fixture f;
    auto n = admin::Notifier::create(
        test::notify_target(), "k", *f.db.index, nullptr,
        [](storage::IssuerId) { return std::string("demo"); }, f.transport.bind(), f.clock,
        f.logger);
    REQUIRE(n);
    f.db.revoke("0C", "req-c");
    REQUIRE(*(*n)->pass());
    CHECK(f.transport.ids().size() == 1);
    CHECK((*n)->oldest_age_seconds() == 0);
}

TEST_CASE("the delivery thread sends on wake and stops promptly", "[admin][notify]") {
    Fixture f;
    auto n = f.make();
    f.db.index->add_commit_observer(
        [wake = n->waker()](std::span<const storage::CommittedChange>) { wake(); });
    n->start();
    f.db.revoke("0D", "req-d");
    for (int i = 0; i < 200 && f.transport.ids().empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK(f.transport.ids().size() == 1);
    const auto started = std::chrono::steady_clock::now();
    n->stop();
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
}

TEST_CASE("a bad URL is refused when the notifier is made", "[admin][notify]") {
    Fixture f;
    auto target = test::notify_target();
    target.url = "http://ra.example/";
    auto n = admin::Notifier::create(
        target, "k", *f.db.index, nullptr, [](storage::IssuerId) { return std::string(); },
        f.transport.bind(), f.clock, f.logger);
    REQUIRE_FALSE(n);
    CHECK(n.error().code == ErrorCode::invalid_argument);
}

TEST_CASE("the first target to deliver a request's 'applied' records when its holder was told",
          "[admin][notify][stages]") {
    Fixture f;
    auto first = f.make();
    std::vector<std::pair<std::string, double>> seen;
    first->set_stage_observer(
        [&seen](std::string_view stage, double s) { seen.emplace_back(stage, s); });
    f.db.revoke("03", "told");
    f.transport.down = true;
    CHECK_FALSE(*first->pass());
    CHECK_FALSE(*f.db.index->get_meta(admin::notified_key("told")));  // not delivered yet
    f.transport.down = false;
    f.clock.set(1700000600);
    REQUIRE(first->pass());
    CHECK(f.db.index->get_meta(admin::notified_key("told"))->value() == "1700000600");
    REQUIRE(seen.size() == 1);
    CHECK(seen[0] == std::pair<std::string, double>{"notified", 400});  // committed at ...200
    // A second target delivering it later changes neither.
    auto meta = test::notify_target();
    meta.name = "second";
    auto second = admin::Notifier::create(
        meta, "s3cret", *f.db.index, &f.crls, [](storage::IssuerId) { return std::string("demo"); },
        f.transport.bind(), f.clock, f.logger);
    REQUIRE(second);
    (*second)->set_stage_observer(
        [&seen](std::string_view stage, double s) { seen.emplace_back(stage, s); });
    f.db.revoke("04", "other");  // after the second target's start: it sees only this one
    f.clock.set(1700000700);
    REQUIRE((*second)->pass());
    CHECK(f.db.index->get_meta(admin::notified_key("told"))->value() == "1700000600");
    CHECK(f.db.index->get_meta(admin::notified_key("other"))->value() == "1700000700");
    REQUIRE(first->pass());  // delivers "other" again: the second target was first
    CHECK(f.db.index->get_meta(admin::notified_key("other"))->value() == "1700000700");
    CHECK(seen.size() == 2);

    // The journal holds the stage too: one `notified` entry per request, from its first target.
    std::vector<storage::JournalEntry> notified;
    auto journal = f.db.index->journal(1, 1000);
    REQUIRE(journal);
    for (const auto& e : *journal) {
        if (e.change.kind == storage::ChangeKind::notified) notified.push_back(e);
    }
    REQUIRE(notified.size() == 2);
    CHECK(notified[0].provenance.request_id == "told");
    CHECK(notified[0].time == 1700000600);
    CHECK(notified[0].change.serial.to_hex() == "03");
    CHECK(notified[0].change.record.state == CertState::revoked);
    CHECK(notified[0].provenance.source.starts_with("notify;target=" + test::notify_target().name +
                                                    ";event=tanda-"));
    CHECK(notified[0].provenance.source.ends_with("-applied"));
    CHECK(notified[1].provenance.request_id == "other");
    CHECK(notified[1].provenance.source.starts_with("notify;target=second;"));
    CHECK(*f.db.index->verify_journal() == std::nullopt);
    CHECK(*f.db.index->verify_records() == std::nullopt);
}
