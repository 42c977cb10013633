// CrlPublisher in a cluster: two publishers ("nodes") on one index and one in-memory store that
// behaves like the cluster's (a shared CRL's number only goes up), with the lease set by hand.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

#include "crl/crl_publisher.hpp"
#include "tests/unit/crl/crl_fixture.hpp"

using namespace tanda;

namespace {

class FakeSharing final : public crl::CrlSharing {
public:
    std::string leader;                     // the node whose publisher() says it publishes
    std::function<void()> before_share;     // runs inside the next share(), once
    std::map<bool, crl::SharedCrl> shared;  // by kind (delta or not)

    struct Node final : public crl::CrlSharing {
        FakeSharing& store;
        std::string name;
        Node(FakeSharing& s, std::string n) : store(s), name(std::move(n)) {}
        bool publishes(const std::string&) override { return store.leader == name; }
        Result<void> share(const std::string& ca, bool delta, std::uint64_t number,
                           std::uint64_t covered, ByteView der) override {
            return store.share(ca, delta, number, covered, der);
        }
        Result<std::optional<crl::SharedCrl>> newer(const std::string& ca, bool delta,
                                                    std::uint64_t after) override {
            return store.newer(ca, delta, after);
        }
    };

    bool publishes(const std::string&) override { return false; }
    Result<void> share(const std::string&, bool delta, std::uint64_t number, std::uint64_t covered,
                       ByteView der) override {
        if (auto hook = std::exchange(before_share, nullptr)) hook();
        auto it = shared.find(delta);
        if (it != shared.end() && it->second.number >= number) {
            return fail(ErrorCode::conflict, "a newer CRL is shared");
        }
        shared[delta] = crl::SharedCrl{number, covered, Bytes(der.begin(), der.end())};
        return {};
    }
    Result<std::optional<crl::SharedCrl>> newer(const std::string&, bool delta,
                                                std::uint64_t after) override {
        auto it = shared.find(delta);
        if (it == shared.end() || it->second.number <= after) return std::nullopt;
        return it->second;
    }
};

struct TwoNodes {
    test::CrlFixture f;
    FakeSharing store;
    FakeSharing::Node sharing_a{store, "a"}, sharing_b{store, "b"};
    std::string dir_a = f.state_dir + "/a", dir_b = f.state_dir + "/b";
    std::unique_ptr<crl::CrlPublisher> a, b;

    TwoNodes() {
        std::filesystem::create_directories(dir_a);
        std::filesystem::create_directories(dir_b);
        a = std::make_unique<crl::CrlPublisher>(f.served(), *f.index, dir_a, f.clock, f.logger,
                                                &sharing_a);
        b = std::make_unique<crl::CrlPublisher>(f.served(), *f.index, dir_b, f.clock, f.logger,
                                                &sharing_b);
    }
};

}  // namespace

TEST_CASE("in a cluster only the lease holder signs, and the others serve its bytes", "[crl]") {
    TwoNodes n;
    n.f.revoke("01", Reason::key_compromise);
    n.store.leader = "a";
    REQUIRE(n.a->start());
    REQUIRE(n.b->start());
    CHECK(n.a->publishing());
    CHECK_FALSE(n.b->publishing());
    REQUIRE(n.a->full());
    REQUIRE(n.b->full());
    CHECK(n.a->full()->number == 1);
    CHECK(n.b->full()->der == n.a->full()->der);
    CHECK(n.b->full()->etag == n.a->full()->etag);
    CHECK(test::file_bytes(n.b->full_path()) == n.a->full()->der);
    CHECK(n.b->generations() == 0);

    auto refused = n.b->publish_full();
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::conflict);

    // A change: the publisher signs after the debounce, the other node follows.
    n.f.revoke("02", Reason::superseded);
    n.a->note_change(100);
    n.f.clock.advance(3);
    n.a->run_due();
    n.b->run_due();
    CHECK(n.a->full()->number == 2);
    CHECK(n.b->full()->der == n.a->full()->der);
}

TEST_CASE("a publisher that lost its place never serves a number another one passed", "[crl]") {
    TwoNodes n;
    n.store.leader = "a";
    REQUIRE(n.a->start());
    REQUIRE(n.b->start());
    // a signs number 2 while b, which took the lease meanwhile, signs and shares 3 first.
    n.store.before_share = [&] {
        n.store.leader = "b";
        n.b->run_due();  // takes over from the shared CRL and the replicated base
        REQUIRE(n.b->publish_full());
    };
    n.store.leader = "a";
    auto stale = n.a->publish_full();
    REQUIRE_FALSE(stale);
    CHECK(stale.error().code == ErrorCode::conflict);
    CHECK(n.b->full()->number == 3);
    CHECK(n.a->full()->number == 1);                           // 2 was never served...
    CHECK(test::file_bytes(n.a->full_path()) == n.a->full()->der);  // ...nor written
    n.store.leader = "b";
    n.a->run_due();
    CHECK_FALSE(n.a->publishing());
    CHECK(n.a->full()->number == 3);
    CHECK(n.a->full()->der == n.b->full()->der);
}

TEST_CASE("the new publisher continues the numbers after the old one died mid-publication",
          "[crl]") {
    TwoNodes n;
    n.store.leader = "a";
    REQUIRE(n.a->start());
    REQUIRE(n.b->start());
    // a took number 2 from the shared counter and died before sharing it.
    const std::string key = "crl/" + std::to_string(n.f.served().issuer_id) + "/number";
    CHECK(test::must(n.f.index->next_meta_counter(key, 1)) == 2);
    n.a.reset();
    n.store.leader = "b";
    n.f.revoke("03", Reason::key_compromise);
    n.b->run_due();
    CHECK(n.b->publishing());
    REQUIRE(n.b->publish_full());
    CHECK(n.b->full()->number == 3);
    CHECK(n.store.shared.at(false).number == 3);
}

TEST_CASE("a shared CRL that does not verify against the CA is not served", "[crl]") {
    TwoNodes n;
    n.store.leader = "a";
    REQUIRE(n.a->start());
    REQUIRE(n.b->start());
    const Bytes good(n.b->full()->der.begin(), n.b->full()->der.end());
    crl::SharedCrl forged = n.store.shared.at(false);
    forged.number = 9;
    forged.der[forged.der.size() - 3] ^= std::byte{1};
    n.store.shared[false] = forged;
    n.b->run_due();
    CHECK(n.b->full()->number == 1);
    CHECK(n.b->full()->der == good);
}

TEST_CASE("a node without the CA key serves the shared CRLs and never signs", "[crl]") {
    TwoNodes n;
    n.f.revoke("01", Reason::key_compromise);
    n.store.leader = "a";
    REQUIRE(n.a->start());
    ca::ServedCa keyless = n.f.served();
    keyless.crl_signer.reset();
    FakeSharing::Node sharing_c{n.store, "c"};
    n.store.leader = "c";  // the lease is free for it: it must not take it without the key
    crl::CrlPublisher c(keyless, *n.f.index, n.dir_b, n.f.clock, n.f.logger, &sharing_c);
    REQUIRE(c.start());
    CHECK_FALSE(c.publishing());
    REQUIRE(c.full());
    CHECK(c.full()->der == n.a->full()->der);
    auto refused = c.publish_full();
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::conflict);
    CHECK(refused.error().message.find("no CRL signing key") != std::string::npos);

    // The publisher signs a newer one; the keyless node serves it after checking it.
    n.store.leader = "a";
    n.f.revoke("02", Reason::superseded);
    REQUIRE(n.a->publish_full());
    c.run_due();
    CHECK(c.full()->number == n.a->full()->number);
    CHECK(c.full()->der == n.a->full()->der);
    CHECK(c.generations() == 0);
}
