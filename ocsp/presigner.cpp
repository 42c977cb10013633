#include "ocsp/presigner.hpp"

#include <algorithm>
#include <vector>

#include "pki/cert_id.hpp"

namespace tanda::ocsp {

namespace {

bool any_presigns(const ca::CaRegistry& cas) {
    const auto& all = cas.cas();
    return std::any_of(all.begin(), all.end(), [](const ca::ServedCa& c) { return c.options.presign; });
}

}  // namespace

Presigner::Presigner(std::shared_ptr<const ca::CaRegistry> cas, const storage::RevocationIndex& index,
                     const LiveResponder& live, ResponseCache& cache, Logger& logger, double rate)
    : Presigner(std::make_shared<const ca::CaRegistryHolder>(std::move(cas)), index, live, cache,
                logger, rate) {}

Presigner::Presigner(std::shared_ptr<const ca::CaRegistryHolder> cas,
                     const storage::RevocationIndex& index, const LiveResponder& live,
                     ResponseCache& cache, Logger& logger, double rate)
    : cas_(std::move(cas)),
      index_(index),
      live_(live),
      cache_(cache),
      logger_(logger),
      interval_(std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 / std::max(rate, 1e-3)))) {}

Presigner::~Presigner() { stop(); }

bool Presigner::start() {
    if (!any_presigns(*cas_->snapshot())) return false;
    std::lock_guard lock(mutex_);
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
    return true;
}

void Presigner::restart() {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    if (thread_.joinable()) {
        restarting_ = true;
        wake_.notify_all();
    } else if (any_presigns(*cas_->snapshot())) {
        thread_ = std::thread([this] { run(); });
    }
}

void Presigner::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

bool Presigner::wait_until(std::chrono::steady_clock::time_point until) {
    std::unique_lock lock(mutex_);
    return !wake_.wait_until(lock, until, [this] { return stopping_ || restarting_; });
}

void Presigner::run() {
    next_slot_ = std::chrono::steady_clock::now();
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
            restarting_ = false;
        }
        // One snapshot per cycle; restart() after a reload begins the next one at once. The
        // version is read first: a swap after it is seen by presign() and ends the cycle.
        const std::uint64_t version = cas_->version();
        const auto cas = cas_->snapshot();
        // Two hours when no CA presigns any more: in practice it waits for restart() or stop().
        std::chrono::seconds shortest = std::chrono::hours(2);
        for (const auto& ca : cas->cas()) {
            if (ca.options.presign) shortest = std::min(shortest, ca.options.response_validity);
        }
        const auto cycle_start = std::chrono::steady_clock::now();
        bool complete = true;
        for (const auto& ca : cas->cas()) {
            if (ca.options.presign && !presign(cas, ca, version)) {
                complete = false;
                break;
            }
        }
        if (!complete) continue;  // stopped (the loop ends) or restarted (a new cycle)
        ++cycles_;
        logger_.info("presigned", {{"answers", std::to_string(signed_.load())},
                                   {"cycle", std::to_string(cycles_.load())}});
        // Half the validity, as the cache's own refresh: nothing served is older than that.
        wait_until(cycle_start + shortest / 2);
    }
}

bool Presigner::presign(const std::shared_ptr<const ca::CaRegistry>& cas, const ca::ServedCa& ca,
                        std::uint64_t version) {
    // Collected first: the read transaction must not stay open while signing, and lookups
    // from inside for_each_record are not allowed.
    std::vector<Serial> serials;
    auto walked = index_.for_each_record(ca.issuer_id, [&](const Serial& s, const CertRecord&) {
        serials.push_back(s);
        return true;
    });
    if (!walked) {
        logger_.error("presign: cannot read the index", {{"ca", ca.options.name},
                                                         {"error", walked.error().message}});
        return true;
    }
    const auto sha1 = pki::HashAlgorithm::sha1;
    for (const Serial& serial : serials) {
        next_slot_ += interval_;
        if (!wait_until(next_slot_)) return false;
        const auto now = std::chrono::steady_clock::now();
        if (next_slot_ < now - std::chrono::seconds(1)) next_slot_ = now;  // no burst after a stall
        const Bytes cert_id = pki::encode_cert_id(sha1, ca.issuer, serial);
        ResolvedRequest request{cas, &ca, {{serial.bytes(), cert_id}}, std::nullopt, nullptr};
        CacheKey key(ca.issuer_id, serial.bytes());
        const auto generation = cache_.generation(key);  // before the lookup inside respond()
        // A reload swapped the registry (and cleared the cache) since this cycle's snapshot:
        // an answer signed now would be the old signer's. restart() begins a new cycle.
        if (cas_->version() != version) return false;
        auto served = live_.respond(request);
        const Outcome outcome = served->answer.outcome;
        if (outcome != Outcome::good && outcome != Outcome::revoked && outcome != Outcome::unknown) {
            continue;
        }
        cache_.insert(key, std::move(served), generation);
        ++signed_;
    }
    return true;
}

}  // namespace tanda::ocsp
