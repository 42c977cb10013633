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
        // One snapshot per cycle; restart() after a reload begins the next one at once.
        const auto cas = cas_->snapshot();
        // Two hours when no CA presigns any more: in practice it waits for restart() or stop().
        std::chrono::seconds shortest = std::chrono::hours(2);
        for (const auto& ca : cas->cas()) {
            if (ca.options.presign) shortest = std::min(shortest, ca.options.response_validity);
        }
        const auto cycle_start = std::chrono::steady_clock::now();
        bool complete = true;
        for (const auto& ca : cas->cas()) {
            if (ca.options.presign && !presign(ca)) {
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

bool Presigner::presign(const ca::ServedCa& ca) {
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
        pki::OcspRequest request;
        request.certs.push_back({sha1, ca.issuer.name_hash(sha1), ca.issuer.key_hash(sha1), serial,
                                 pki::encode_cert_id(sha1, ca.issuer, serial)});
        CacheKey key(ca.issuer_id, serial.bytes());
        const auto generation = cache_.generation(key);  // before the lookup inside respond()
        OcspAnswer answer = live_.respond(request);
        if (answer.outcome != Outcome::good && answer.outcome != Outcome::revoked &&
            answer.outcome != Outcome::unknown) {
            continue;
        }
        cache_.insert(key, make_served(std::move(answer), request.certs.front().cert_id_der),
                      generation);
        ++signed_;
    }
    return true;
}

}  // namespace tanda::ocsp
