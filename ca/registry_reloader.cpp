#include "ca/registry_reloader.hpp"

#include <algorithm>

#include "core/time_format.hpp"

namespace tanda::ca {
namespace {

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : std::string(separator)) + p;
    return out;
}

CaChange describe(const ServedCa& ca, std::string change) {
    const auto& signer = ca.signer.certificate();
    return {ca.options.name, std::move(change), signer.serial().to_hex(), signer.not_after()};
}

}  // namespace

std::vector<CaChange> compare_registries(const CaRegistry& before, const CaRegistry& after) {
    std::vector<CaChange> out;
    for (const auto& ca : after.cas()) {
        const ServedCa* old = before.find_by_name(ca.options.name);
        if (old == nullptr) {
            out.push_back(describe(ca, "added"));
        } else if (old->issuer.der() != ca.issuer.der()) {
            out.push_back(describe(ca, "issuer changed"));
        } else if (old->signer.certificate().der() != ca.signer.certificate().der()) {
            out.push_back(describe(ca, "signer rotated"));
        } else {
            out.push_back(describe(ca, "same signer"));
        }
    }
    for (const auto& ca : before.cas()) {
        if (after.find_by_name(ca.options.name) == nullptr) out.push_back(describe(ca, "removed"));
    }
    return out;
}

RegistryReloader::RegistryReloader(ReloadLoader load, CaRegistryHolder& holder,
                                   storage::RevocationIndex& index, const Clock& clock,
                                   Logger& logger)
    : load_(std::move(load)),
      holder_(holder),
      index_(index),
      clock_(clock),
      logger_(logger) {}

RegistryReloader::~RegistryReloader() { stop(); }

bool RegistryReloader::reload() {
    std::lock_guard lock(reload_mutex_);
    if (on_reloading) on_reloading();  // systemd: RELOADING=1
    const bool ok = attempt();
    if (on_done) on_done();  // systemd: READY=1, after a failed attempt too
    return ok;
}

bool RegistryReloader::attempt() {
    auto candidate = load_();
    if (!candidate) {
        fail(candidate.error());
        return false;
    }
    auto next = std::make_shared<CaRegistry>(std::move(candidate->registry));
    // New CAs get their issuer id (existing ones keep theirs: ids are per issuer key).
    if (auto bound = bind_storage(*next, index_, clock_.now()); !bound) {
        fail({"cannot record CAs in storage: " + bound.error().message});
        return false;
    }
    auto previous = holder_.swap(next);
    if (on_swapped) on_swapped();
    ++succeeded_;
    last_success_ = clock_.now();
    log_changes(*previous, *next, candidate->restart_only);
    return true;
}

bool RegistryReloader::reopen() {
    std::lock_guard lock(reload_mutex_);
    auto candidate = reopen_loader();
    if (!candidate) {
        ++reopen_failed_;
        logger_.warn("token keys not reopened, still failing",
                     {{"problems", join(candidate.error(), "; ")}});
        return false;
    }
    auto next = std::make_shared<CaRegistry>(std::move(candidate->registry));
    if (auto bound = bind_storage(*next, index_, clock_.now()); !bound) {
        ++reopen_failed_;
        logger_.warn("token keys not reopened: cannot record CAs in storage",
                     {{"error", bound.error().message}});
        return false;
    }
    const auto changes = compare_registries(*holder_.snapshot(), *next);
    holder_.swap(next);
    ++reopened_;
    std::vector<std::string> names;
    bool same = true;
    for (const auto& c : changes) {
        same = same && c.change == "same signer";
        if (c.change != "removed") names.push_back(c.ca);
    }
    if (!same && on_swapped) on_swapped();
    logger_.info("token keys reopened, signing again",
                 {{"cas", join(names, ",")}, {"reopens", std::to_string(reopened_.load())}});
    return true;
}

void RegistryReloader::fail(const std::vector<std::string>& problems) {
    ++failed_;
    logger_.error("reload failed, keeping the running config",
                  {{"problems", join(problems, "; ")},
                   {"failed_reloads", std::to_string(failed_.load())}});
}

void RegistryReloader::log_changes(const CaRegistry& before, const CaRegistry& after,
                                   const std::vector<std::string>& restart_only) {
    for (const auto& setting : restart_only) {
        logger_.warn("reload: setting changed but needs a restart, keeping the running value",
                     {{"setting", setting}});
    }
    std::vector<std::string> names;
    for (const auto& c : compare_registries(before, after)) {
        logger_.info("reload: CA", {{"ca", c.ca},
                                    {"change", c.change},
                                    {"signer_serial", c.signer_serial},
                                    {"signer_not_after", format_rfc3339(c.signer_not_after)}});
        if (c.change != "removed") names.push_back(c.ca);
    }
    logger_.info("config reloaded", {{"cas", join(names, ",")},
                                     {"reloads", std::to_string(succeeded_.load())}});
}

void RegistryReloader::start() {
    std::lock_guard lock(mutex_);
    if (!thread_.joinable() && !stopping_) thread_ = std::thread([this] { run(); });
}

void RegistryReloader::request() {
    std::lock_guard lock(mutex_);
    requested_ = true;
    wake_.notify_one();
}

void RegistryReloader::request_reopen() {
    const UnixSeconds now = clock_.now();
    std::lock_guard lock(mutex_);
    if (now - last_reopen_request_ > kReopenSlowSeconds * 5) outage_since_ = now;  // a new outage
    last_reopen_request_ = now;
    if (now < next_reopen_) return;
    next_reopen_ = now + (now - outage_since_ < kReopenFastFor ? kReopenFastSeconds : kReopenSlowSeconds);
    reopen_requested_ = true;
    wake_.notify_one();
}

void RegistryReloader::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        wake_.notify_one();
    }
    if (thread_.joinable()) thread_.join();
}

void RegistryReloader::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || requested_ || reopen_requested_; });
        if (stopping_) return;
        const bool reload_now = requested_, reopen_now = reopen_requested_ && reopen_loader;
        requested_ = reopen_requested_ = false;
        lock.unlock();
        if (reload_now) reload();
        if (reopen_now) reopen();
        lock.lock();
    }
}

}  // namespace tanda::ca
