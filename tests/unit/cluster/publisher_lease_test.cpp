// PublisherLease on a store in memory whose values lapse like the JetStream bucket's: a held
// lease survives a job that runs longer than the lease, a stuck job lets another node take
// over, and a stopping node hands over at once.
#include "cluster/publisher_lease.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <mutex>

using namespace tanda;
using namespace tanda::cluster;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

class LapsingStore final : public LeaseStore {
public:
    explicit LapsingStore(std::chrono::milliseconds ttl) : ttl_(ttl) {}

    Result<std::optional<KeyValueEntry>> get(const std::string& key) override {
        std::lock_guard lock(mutex_);
        auto it = live(key);
        if (it == values_.end()) return std::nullopt;
        return KeyValueEntry{it->second.value, it->second.revision};
    }
    Result<std::uint64_t> create(const std::string& key, ByteView value) override {
        std::lock_guard lock(mutex_);
        if (live(key) != values_.end()) return fail(ErrorCode::conflict, key + " has a value");
        return write(key, value);
    }
    Result<std::uint64_t> update(const std::string& key, ByteView value,
                                 std::uint64_t last) override {
        std::lock_guard lock(mutex_);
        auto it = live(key);
        if (it == values_.end() || it->second.revision != last) {
            return fail(ErrorCode::conflict, key + " moved on");
        }
        return write(key, value);
    }
    Result<void> erase(const std::string& key) override {
        std::lock_guard lock(mutex_);
        values_.erase(key);
        return {};
    }

private:
    struct Value {
        Bytes value;
        std::uint64_t revision;
        Clock::time_point written;
    };
    std::map<std::string, Value>::iterator live(const std::string& key) {
        auto it = values_.find(key);
        if (it != values_.end() && Clock::now() - it->second.written >= ttl_) {
            values_.erase(it);
            return values_.end();
        }
        return it;
    }
    std::uint64_t write(const std::string& key, ByteView value) {
        values_[key] = Value{Bytes(value.begin(), value.end()), ++revision_, Clock::now()};
        return revision_;
    }

    const std::chrono::milliseconds ttl_;
    std::mutex mutex_;
    std::map<std::string, Value> values_;
    std::uint64_t revision_ = 0;
};

class QuietLogger final : public Logger {
protected:
    void write(std::string_view) override {}
};

// Asks `lease` for `job` every 20 ms for `span`; true if it ever held it.
bool ever_held(PublisherLease& lease, const std::string& job, std::chrono::milliseconds span) {
    const auto until = Clock::now() + span;
    bool held = false;
    while (Clock::now() < until) {
        held = lease.held(job) || held;
        std::this_thread::sleep_for(20ms);
    }
    return held;
}

}  // namespace

TEST_CASE("a lease stays with a job that runs longer than the lease", "[cluster]") {
    constexpr auto ttl = 600ms;
    LapsingStore store(ttl);
    QuietLogger logger;
    PublisherLease a(store, "a", ttl, logger);
    PublisherLease b(store, "b", ttl, logger);
    REQUIRE(a.held("crl.x"));
    // a's job is busy for four lease lengths without asking; b keeps asking all that time.
    CHECK_FALSE(ever_held(b, "crl.x", 4 * ttl));
    CHECK(a.held("crl.x"));
}

TEST_CASE("a job silent past the limit lets another node take over", "[cluster]") {
    constexpr auto ttl = 600ms;
    LapsingStore store(ttl);
    QuietLogger logger;
    PublisherLease a(store, "a", ttl, logger, 1s);
    PublisherLease b(store, "b", ttl, logger);
    REQUIRE(a.held("crl.x"));
    // Within the limit plus the lease's lapse (and the margin of the asking), b holds it.
    CHECK(ever_held(b, "crl.x", 1s + 2 * ttl + 1s));
    CHECK_FALSE(a.held("crl.x"));
}

TEST_CASE("a node that stops hands its leases over at once", "[cluster]") {
    constexpr auto ttl = std::chrono::milliseconds(3s);  // no lease lapses in this test
    LapsingStore store(ttl);
    QuietLogger logger;
    PublisherLease b(store, "b", ttl, logger);
    {
        PublisherLease a(store, "a", ttl, logger);
        REQUIRE(a.held("crl.x"));
        REQUIRE(a.held("notify.y"));
        CHECK_FALSE(b.held("crl.x"));
    }
    // b asks the store again ttl/6 after its last try, and finds both free.
    CHECK(ever_held(b, "crl.x", ttl / 6 + 300ms));
    CHECK(ever_held(b, "notify.y", 300ms));
}
