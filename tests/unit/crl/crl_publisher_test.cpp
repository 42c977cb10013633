#include "crl/crl_publisher.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "tests/unit/crl/crl_fixture.hpp"

using namespace tanda;
using crl::CrlPublisher;
using Entries = std::map<std::string, int>;

namespace {

std::unique_ptr<crl::CrlPublisher> publisher(test::CrlFixture& f) {
    return std::make_unique<crl::CrlPublisher>(f.served(), *f.index, f.state_dir, f.clock, f.logger);
}

}  // namespace

TEST_CASE("start generates the first CRL, writes it and serves the same bytes", "[crl]") {
    test::CrlFixture f;
    f.revoke("01", Reason::key_compromise);
    auto p = publisher(f);
    REQUIRE(p->start());
    auto full = p->full();
    REQUIRE(full);
    CHECK(full->number == 1);
    CHECK(full->der == test::file_bytes(p->full_path()));
    CHECK(full->next_update == f.clock.now() + 7 * 86400);
    CHECK(full->etag == "\"1f\"");
    CHECK(test::read_crl_der(full->der, f.ca.cert()).entries == Entries{{"01", 1}});
    CHECK(!p->delta());
}

TEST_CASE("CRL numbers increase strictly across regenerations and restarts", "[crl]") {
    test::CrlFixture f;
    {
        auto p = publisher(f);
        REQUIRE(p->start());
        REQUIRE(p->publish_full());
        CHECK(p->full()->number == 2);
    }
    {
        auto p = publisher(f);  // restart: the CRL on disk is current, served as is
        REQUIRE(p->start());
        CHECK(p->full()->number == 2);
        CHECK(p->generations() == 0);
        REQUIRE(p->publish_full());
        CHECK(p->full()->number == 3);
    }
    SECTION("a CRL on disk that does not verify is replaced by a newer number") {
        auto path = publisher(f)->full_path();
        Bytes der = test::file_bytes(path);
        der[der.size() - 3] ^= std::byte{1};
        test::must(pki::write_file_atomic(path, as_chars(der), 0644));
        auto p = publisher(f);
        REQUIRE(p->start());
        CHECK(p->full()->number == 4);
    }
    SECTION("storage metadata lost: the number still goes up from the file on disk") {
        test::must(f.index->put_meta("crl/" + std::to_string(f.served().issuer_id) + "/number", "0"));
        auto p = publisher(f);
        REQUIRE(p->publish_full());
        CHECK(p->full()->number == 4);
    }
    SECTION("an expired CRL on disk is regenerated at start") {
        f.clock.advance(8 * 86400);
        auto p = publisher(f);
        REQUIRE(p->start());
        CHECK(p->full()->number == 4);
        CHECK(p->full()->this_update == f.clock.now());
    }
}

TEST_CASE("a burst of changes gives one regeneration after the debounce", "[crl]") {
    test::CrlFixture f;
    auto p = publisher(f);
    REQUIRE(p->start());
    auto first = p->generations();
    for (int i = 0; i < 20; ++i) {
        p->note_change(f.revoke("A" + std::to_string(i % 10), Reason::superseded));
    }
    CHECK(p->run_due() == f.clock.now() + 2);  // due at the end of the debounce
    CHECK(p->generations() == first);
    f.clock.advance(1);
    p->run_due();
    CHECK(p->generations() == first);
    f.clock.advance(1);
    p->run_due();
    CHECK(p->generations() == first + 1);
    CHECK(test::read_crl_der(p->full()->der, f.ca.cert()).entries.size() == 10);
    f.clock.advance(10);
    p->run_due();
    CHECK(p->generations() == first + 1);
    SECTION("changes already covered by the current CRL are ignored") {
        p->note_change(1);
        f.clock.advance(10);
        p->run_due();
        CHECK(p->generations() == first + 1);
    }
}

TEST_CASE("the CRL is re-issued on schedule before nextUpdate", "[crl]") {
    test::CrlFixture f;  // validity 7d, regenerate_before 3d
    auto p = publisher(f);
    REQUIRE(p->start());
    CHECK(p->run_due() == f.clock.now() + 4 * 86400);
    f.clock.advance(4 * 86400 - 1);
    p->run_due();
    CHECK(p->full()->number == 1);
    f.clock.advance(1);
    p->run_due();
    CHECK(p->full()->number == 2);
}

TEST_CASE("changes made while no publisher ran are picked up at start", "[crl]") {
    test::CrlFixture f;
    REQUIRE(publisher(f)->start());
    f.revoke("77", Reason::key_compromise);
    auto p = publisher(f);
    REQUIRE(p->start());
    CHECK(p->full()->number == 1);  // served at once from disk
    f.clock.advance(2);
    p->run_due();
    CHECK(p->full()->number == 2);
    CHECK(test::read_crl_der(p->full()->der, f.ca.cert()).entries == Entries{{"77", 1}});
}

TEST_CASE("with delta CRLs, changes go to the delta and the full CRL keeps its base", "[crl]") {
    test::CrlFixture f([](ca::CrlOptions& o) {
        o.delta.enabled = true;
        o.delta.url = "http://x/ca-delta.crl";
    });
    f.revoke("02", Reason::certificate_hold);
    auto p = publisher(f);
    REQUIRE(p->start());
    REQUIRE(p->delta());
    CHECK(p->full()->number == 1);
    CHECK(p->delta()->number == 1);  // issued together: same number (RFC 5280 5.2.3)
    CHECK(p->delta()->delta_base == std::optional<std::uint64_t>(1));
    CHECK(p->delta()->etag == "\"1d\"");
    p->note_change(f.release("02"));
    p->note_change(f.revoke("03", Reason::key_compromise));
    f.clock.advance(2);
    p->run_due();
    CHECK(p->full()->number == 1);
    CHECK(p->delta()->number == 2);
    auto delta = test::read_crl_der(p->delta()->der, f.ca.cert());
    CHECK(delta.verifies);
    CHECK(delta.delta_base == std::optional<std::uint64_t>(1));
    CHECK(delta.entries == Entries{{"02", 8}, {"03", 1}});
    CHECK(p->delta()->der == test::file_bytes(p->delta_path()));
    SECTION("a restart serves both from disk") {
        auto again = publisher(f);
        REQUIRE(again->start());
        CHECK(again->full()->number == 1);
        CHECK(again->delta()->number == 2);
        CHECK(again->generations() == 0);
    }
    SECTION("the next full CRL includes the changes and resets the delta") {
        REQUIRE(p->publish_full());
        CHECK(p->full()->number == 3);
        CHECK(test::read_crl_der(p->full()->der, f.ca.cert()).entries == Entries{{"03", 1}});
        CHECK(p->delta()->delta_base == std::optional<std::uint64_t>(3));
        CHECK(test::read_crl_der(p->delta()->der, f.ca.cert()).entries.empty());
    }
}

TEST_CASE("served CRLs carry the journal seq they cover and when they were published", "[crl]") {
    test::CrlFixture f([](ca::CrlOptions& o) {
        o.delta.enabled = true;
        o.delta.url = "http://x/ca-delta.crl";
    });
    const std::uint64_t first = f.revoke("01", Reason::key_compromise);
    auto p = publisher(f);
    REQUIRE(p->start());
    CHECK(p->full()->covered_seq >= first);
    CHECK(p->delta()->covered_seq == p->full()->covered_seq);
    CHECK(p->full()->published_at == f.clock.now());

    f.clock.advance(10);
    const std::uint64_t second = f.revoke("02", Reason::superseded);
    CHECK(p->full()->covered_seq < second);
    p->note_change(second);
    f.clock.advance(2);
    p->run_due();
    CHECK(p->full()->covered_seq < second);  // the change went into the delta
    CHECK(p->delta()->covered_seq >= second);
    CHECK(p->delta()->published_at == f.clock.now());

    f.clock.advance(5);
    REQUIRE(p->publish_full());
    CHECK(p->full()->covered_seq >= second);
    CHECK(p->full()->published_at == f.clock.now());

    auto again = publisher(f);  // from disk: the stored base's seq, published at thisUpdate
    REQUIRE(again->start());
    CHECK(again->generations() == 0);
    CHECK(again->full()->covered_seq == p->full()->covered_seq);
    CHECK(again->delta()->covered_seq == p->full()->covered_seq);
    CHECK(again->full()->published_at == again->full()->this_update);
}

TEST_CASE("the listener is told each journal range once, by the first CRL that covers it",
          "[crl]") {
    test::CrlFixture f([](ca::CrlOptions& o) {
        o.delta.enabled = true;
        o.delta.url = "http://x/ca-delta.crl";
    });
    struct Told {
        std::uint64_t number, after, covered;
        bool delta;
        UnixSeconds published_at;
    };
    std::vector<Told> told;
    const std::uint64_t first = f.revoke("01", Reason::key_compromise);
    auto p = publisher(f);
    p->set_listener([&](const ca::ServedCa& ca, const crl::PublishedCrl& crl, std::uint64_t after) {
        CHECK(ca.issuer_id == f.served().issuer_id);
        told.push_back(
            {crl.number, after, crl.covered_seq, crl.delta_base.has_value(), crl.published_at});
    });
    REQUIRE(p->start());
    // The complete CRL covers everything so far; its delta, issued with it, adds nothing.
    REQUIRE(told.size() == 1);
    CHECK(told[0].number == 1);
    CHECK_FALSE(told[0].delta);
    CHECK(told[0].after == 0);
    CHECK(told[0].covered >= first);

    f.clock.advance(10);
    const std::uint64_t second = f.revoke("02", Reason::superseded);
    p->note_change(second);
    f.clock.advance(2);
    p->run_due();
    REQUIRE(told.size() == 2);
    CHECK(told[1].number == 2);
    CHECK(told[1].delta);
    CHECK(told[1].after == told[0].covered);
    CHECK(told[1].covered >= second);
    CHECK(told[1].published_at == f.clock.now());

    f.clock.advance(5);
    REQUIRE(p->publish_full());  // covers nothing new: the delta told it already
    CHECK(told.size() == 2);

    auto again = publisher(f);  // from disk: what its base covers was told before
    std::size_t told_again = 0;
    again->set_listener(
        [&](const ca::ServedCa&, const crl::PublishedCrl&, std::uint64_t) { ++told_again; });
    REQUIRE(again->start());
    CHECK(told_again == 0);
}
