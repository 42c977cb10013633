#include "storage/index_metrics.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "storage_test_support.hpp"

using namespace tanda;
using namespace tanda::storage;
using namespace tanda::storage::test;
using tanda::test::TempDir;

namespace {

bool has_line(const std::string& text, const std::string& line) {
    return text.find("\n" + line + "\n") != std::string::npos;
}

}  // namespace

TEST_CASE("applied revocations and releases are counted by CA and reason", "[metrics]") {
    TempDir dir;
    auto index = open_index(dir.path());
    const IssuerId a = *index->ensure_issuer(as_bytes("ca-a"), "A");
    const IssuerId b = *index->ensure_issuer(as_bytes("ca-b"), "B");
    metrics::Registry registry;
    count_applied_changes(registry, *index, [a, b](IssuerId id) -> std::string {
        return id == a ? "alpha" : id == b ? "beta" : "";
    });

    std::vector<Change> import{change(ChangeKind::register_certificate, a, "01", issued()),
                               change(ChangeKind::register_certificate, a, "02", issued()),
                               change(ChangeKind::register_certificate, b, "03", issued())};
    REQUIRE(index->commit(import, import_provenance(), 1));
    std::vector<Change> revocations{
        change(ChangeKind::revoke, a, "01", revoked(Reason::key_compromise)),
        change(ChangeKind::revoke, a, "02", revoked(Reason::certificate_hold)),
        change(ChangeKind::revoke, b, "03", revoked(Reason::key_compromise))};
    REQUIRE(index->commit(revocations, admin_provenance("r1"), 2));
    std::vector<Change> release{change(ChangeKind::release, a, "02", issued())};
    REQUIRE(index->commit(release, admin_provenance("r2"), 3));
    // Committing the same record again changes nothing, so nothing is counted.
    std::vector<Change> again{change(ChangeKind::revoke, b, "03", revoked(Reason::key_compromise))};
    REQUIRE(index->commit(again, import_provenance(), 4));

    const std::string text = registry.render();
    CHECK(has_line(text, R"(tanda_revocations_applied_total{ca="alpha",reason="keyCompromise"} 1)"));
    CHECK(has_line(text,
                   R"(tanda_revocations_applied_total{ca="alpha",reason="certificateHold"} 1)"));
    CHECK(has_line(text, R"(tanda_revocations_applied_total{ca="beta",reason="keyCompromise"} 1)"));
    CHECK(has_line(text, R"(tanda_releases_applied_total{ca="alpha"} 1)"));
    CHECK(text.find(R"(tanda_releases_applied_total{ca="beta"})") == std::string::npos);
}

TEST_CASE("index metrics follow the journal and the records at each scrape", "[metrics]") {
    TempDir dir;
    auto index = open_index(dir.path(), std::size_t{1} << 24);
    const IssuerId a = *index->ensure_issuer(as_bytes("ca-a"), "A");
    metrics::Registry registry;
    add_index_metrics(registry, *index);
    CHECK(has_line(registry.render(), "tanda_storage_up 1"));
    CHECK(has_line(registry.render(), "tanda_journal_sequence 0"));
    CHECK(has_line(registry.render(), "tanda_storage_map_size_bytes 16777216"));

    std::vector<Change> import{change(ChangeKind::register_certificate, a, "01", issued()),
                               change(ChangeKind::register_certificate, a, "02", issued())};
    REQUIRE(index->commit(import, import_provenance(), 1));
    const std::string text = registry.render();
    CHECK(has_line(text, "tanda_journal_sequence 2"));
    CHECK(has_line(text, "tanda_storage_records 2"));
    CHECK(text.find("tanda_storage_used_bytes ") != std::string::npos);
}
