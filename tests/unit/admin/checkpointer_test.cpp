#include "admin/checkpointer.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "pki/certificate_factory.hpp"
#include "pki/cms_signed_data.hpp"
#include "tests/support/fake_clock.hpp"
#include "tests/support/recording_logger.hpp"
#include "tests/unit/admin/notify_test_support.hpp"

using namespace tanda;

namespace {

struct Fixture {
    test::NotifyIndex db;
    test::FakeClock clock{1700000500};
    test::RecordingLogger logger;
    admin::CheckpointOptions options;
    pki::Certificate cert = make_files();

    pki::Certificate make_files() {
        auto key = pki::generate_key(pki::KeyType::ec_p256);
        REQUIRE(key);
        pki::CertificateSpec spec{"CN=Checkpoints", *Serial::from_hex("01"), 1700000000,
                                  1900000000,       pki::Profile::leaf,      ""};
        auto cert = pki::issue_certificate(spec, *key, nullptr, *key);
        REQUIRE(cert);
        options.enabled = true;
        options.certificate = (db.dir / "ckpt.pem").string();
        options.key = (db.dir / "ckpt.key").string();
        options.directory = (db.dir / "checkpoints").string();
        options.interval = std::chrono::seconds(0);
        REQUIRE(pki::write_file_atomic(options.certificate, cert->pem(), 0644));
        REQUIRE(pki::write_file_atomic(options.key, key->pem(), 0600));
        return *cert;
    }
    std::unique_ptr<admin::Checkpointer> make() {
        auto c = admin::Checkpointer::create(options, *db.index, clock, logger);
        REQUIRE(c);
        return std::move(*c);
    }
};

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("a checkpoint signs the journal head into its file", "[admin][checkpoint]") {
    Fixture f;
    auto c = f.make();
    CHECK_FALSE(c->latest());
    auto empty = c->make();
    REQUIRE_FALSE(empty);
    CHECK(empty.error().code == ErrorCode::conflict);

    const auto seq = f.db.revoke("01", "r1");
    auto made = c->make("CN=Operator One");
    REQUIRE(made);
    CHECK(f.logger.text().find("CN=Operator One") != std::string::npos);  // who asked
    auto head = f.db.index->journal_head();
    REQUIRE(head);
    CHECK(made->checkpoint == Checkpoint{seq, head->hash, 1700000500});
    CHECK(made->path == f.options.directory + "/checkpoint-" + std::to_string(seq) + ".p7s");
    const std::string file = read_file(made->path);
    auto payload = pki::cms_verify(as_bytes(file), f.cert);
    REQUIRE(payload);
    CHECK(*payload == format_checkpoint(made->checkpoint));
    REQUIRE(c->latest());
    CHECK(c->latest()->checkpoint.seq == seq);

    // A restart finds the newest checkpoint in the directory.
    f.db.revoke("02", "r2");
    REQUIRE(c->make());
    auto restarted = f.make();
    REQUIRE(restarted->latest());
    CHECK(restarted->latest()->checkpoint.seq == head->seq + 2);
}

TEST_CASE("a key that is not the certificate's is refused at start", "[admin][checkpoint]") {
    Fixture f;
    auto other = pki::generate_key(pki::KeyType::ec_p256);
    REQUIRE(other);
    REQUIRE(pki::write_file_atomic(f.options.key, other->pem(), 0600));
    auto c = admin::Checkpointer::create(f.options, *f.db.index, f.clock, f.logger);
    REQUIRE_FALSE(c);
    CHECK(c.error().code == ErrorCode::config);
}

// Real time, with generous bounds: the timer is the thing under test.
TEST_CASE("the timer checkpoints a moved journal once and skips an unmoved one",
          "[admin][checkpoint]") {
    Fixture f;
    f.options.interval = std::chrono::seconds(1);
    const auto seq = f.db.revoke("01", "r1");
    auto c = f.make();
    c->start();
    for (int i = 0; i < 100 && !c->latest(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE(c->latest());
    CHECK(c->latest()->checkpoint.seq == seq);
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // two more ticks
    const std::string log = f.logger.text();
    const auto first = log.find("journal checkpoint written");
    REQUIRE(first != std::string::npos);
    CHECK(log.find("journal checkpoint written", first + 1) == std::string::npos);
}
