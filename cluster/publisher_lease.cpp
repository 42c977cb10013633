// PublisherLease: take, renew and give up leases in a lease store.
#include "cluster/publisher_lease.hpp"

namespace tanda::cluster {

PublisherLease::PublisherLease(LeaseStore& store, std::string node, std::chrono::milliseconds ttl,
                               Logger& logger, std::chrono::milliseconds silent_limit)
    : store_(store),
      node_(std::move(node)),
      ttl_(ttl),
      silent_limit_(silent_limit),
      logger_(logger),
      renewer_([this](std::stop_token stop) { renew_held(stop); }) {}

PublisherLease::~PublisherLease() {
    renewer_.request_stop();
    renewer_.join();
    release_all();
}

bool PublisherLease::still_valid(const Held& h, Clock::time_point now) const {
    // The value was written after renewed_at, so it lapses after renewed_at + ttl at the
    // earliest; stop well before that.
    return h.revision != 0 && now - h.renewed_at < ttl_ * 2 / 3;
}

void PublisherLease::take(const std::string& job, Held& h, Clock::time_point now) {
    auto current = store_.get(job);
    if (!current) {
        note_problem(job, current.error());
        return;
    }
    Result<std::uint64_t> taken = fail(ErrorCode::conflict, "held by another node");
    if (!*current) {
        taken = store_.create(job, as_bytes(node_));
    } else if (as_chars((*current)->value) == node_) {
        taken = store_.update(job, as_bytes(node_), (*current)->revision);
    }
    if (!taken) {
        if (taken.error().code != ErrorCode::conflict) note_problem(job, taken.error());
        return;
    }
    h.problem.clear();
    h.revision = *taken;
    h.renewed_at = now;
    logger_.info("took the publisher lease", {{"job", job}, {"node", node_}});
}

void PublisherLease::note_problem(const std::string& job, const Error& error) {
    Held& h = jobs_[job];
    if (error.message == h.problem) return;  // logged once until it changes
    h.problem = error.message;
    logger_.warn("cannot take the publisher lease", {{"job", job}, {"error", error.message}});
}

void PublisherLease::renew_if_due(const std::string& job, Held& h) {
    const auto now = Clock::now();
    if (h.revision == 0 || now - h.renewed_at < ttl_ / 3) return;
    if (now - h.asked_at >= silent_limit_) {
        logger_.error(
            "giving up the publisher lease: its job has not run for too long",
            {{"job", job},
             {"silent_s",
              std::to_string(
                  std::chrono::duration_cast<std::chrono::seconds>(now - h.asked_at).count())}});
        h.revision = 0;  // not erased: it lapses, and a job that comes back asks again
        return;
    }
    auto renewed = store_.update(job, as_bytes(node_), h.revision);
    if (renewed) {
        h.revision = *renewed;
        h.renewed_at = now;
    } else if (renewed.error().code == ErrorCode::conflict || !still_valid(h, Clock::now())) {
        logger_.warn("lost the publisher lease",
                     {{"job", job}, {"error", renewed.error().message}});
        h.revision = 0;
    }
}

void PublisherLease::renew_held(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    while (!stop.stop_requested()) {
        for (auto& [job, h] : jobs_) renew_if_due(job, h);
        renew_wake_.wait_for(lock, stop, ttl_ / 6, [] { return false; });
    }
}

bool PublisherLease::held(const std::string& job) {
    std::lock_guard lock(mutex_);
    Held& h = jobs_[job];
    const auto now = Clock::now();
    h.asked_at = now;
    renew_if_due(job, h);
    if (h.revision == 0 && (!h.tried_at || now - *h.tried_at >= ttl_ / 6)) {
        h.tried_at = now;
        take(job, h, now);
    }
    return still_valid(h, Clock::now());
}

void PublisherLease::release_all() {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    for (auto& [job, h] : jobs_) {
        // A lease that may have lapsed may be another node's by now: leave it alone.
        if (!still_valid(h, now)) continue;
        if (auto r = store_.erase(job); !r) {
            logger_.warn("could not give up the publisher lease; it lapses by itself",
                         {{"job", job}, {"error", r.error().message}});
        }
        h.revision = 0;
    }
}

}  // namespace tanda::cluster
