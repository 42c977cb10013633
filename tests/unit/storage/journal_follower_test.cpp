#include "storage/journal_follower.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <vector>

#include "tests/unit/storage/storage_test_support.hpp"

using namespace tanda;
using namespace tanda::storage;
using namespace tanda::storage::test;

namespace {

struct Seen {
    std::vector<std::uint64_t> seqs;
    std::vector<std::string> serials;
    int calls = 0;
    bool skipped = false;
    JournalFollower::Consumer consumer() {
        return [this](std::span<const JournalEntry> entries, bool was_skipped) {
            ++calls;
            skipped = skipped || was_skipped;
            for (const auto& e : entries) {
                seqs.push_back(e.seq);
                serials.push_back(e.change.serial.to_hex());
            }
        };
    }
};

}  // namespace

// Runs `commit_in_child` in a process forked before this one opens anything (the index's
// open-path guard is per process), once `go()` is called; returns its exit status.
class OtherProcess {
public:
    explicit OtherProcess(const std::function<int()>& commit_in_child) {
        REQUIRE(pipe(fds_) == 0);
        pid_ = fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            char go = 0;
            close(fds_[1]);
            _exit(read(fds_[0], &go, 1) == 1 ? commit_in_child() : 3);
        }
        close(fds_[0]);
    }
    int go() {
        REQUIRE(write(fds_[1], "g", 1) == 1);
        close(fds_[1]);
        int status = 0;
        REQUIRE(waitpid(pid_, &status, 0) == pid_);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

private:
    int fds_[2] = {-1, -1};
    pid_t pid_ = -1;
};

TEST_CASE("the follower hands over what another process committed, once", "[follower]") {
    tanda::test::TempDir dir;
    // Another process (`tanda import` beside `tanda serve`) opens the index and revokes 02.
    OtherProcess other([&dir] {
        auto index = RevocationIndex::open({dir.path().string(), std::size_t{1} << 26, 126});
        if (!index) return 1;
        auto issuer = (*index)->ensure_issuer(std::vector<std::byte>(32), "ca");
        if (!issuer) return 1;
        auto r = change(ChangeKind::revoke, *issuer, "02", revoked());
        return (*index)->commit({&r, 1}, import_provenance(), 2) ? 0 : 1;
    });
    auto index = open_index(dir.path());
    const IssuerId issuer = *index->ensure_issuer(std::vector<std::byte>(32), "ca");
    auto c = change(ChangeKind::register_certificate, issuer, "01", issued());
    REQUIRE(index->commit({&c, 1}, import_provenance(), 1));  // before start: not handed over
    Seen seen;
    JournalFollower follower(*index, std::chrono::hours(1), seen.consumer());
    REQUIRE(follower.start());
    REQUIRE(other.go() == 0);

    follower.poll();
    CHECK(seen.serials == std::vector<std::string>{"02"});
    CHECK_FALSE(seen.skipped);
    follower.poll();  // nothing new: not called again
    CHECK(seen.calls == 1);
    follower.stop();
}

TEST_CASE("past a batch the follower says entries were skipped", "[follower]") {
    tanda::test::TempDir dir;
    auto index = open_index(dir.path());
    const IssuerId issuer = *index->ensure_issuer(std::vector<std::byte>(32), "ca");
    Seen seen;
    JournalFollower follower(*index, std::chrono::hours(1), seen.consumer());
    REQUIRE(follower.start());
    std::vector<Change> many;
    for (std::size_t i = 0; i < JournalFollower::kBatch + 5; ++i) {
        char hex[16];
        std::snprintf(hex, sizeof hex, "%06zX", i + 1);
        many.push_back(change(ChangeKind::register_certificate, issuer, hex, issued()));
    }
    auto done = index->commit(many, import_provenance(), 1);
    REQUIRE(done);
    follower.poll();
    CHECK(seen.skipped);
    REQUIRE(seen.seqs.size() == JournalFollower::kBatch);
    CHECK(seen.seqs.back() == done->last_seq);  // the newest entries
    follower.stop();
}
