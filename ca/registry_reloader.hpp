// Replaces the served CAs while serving (SIGHUP): loads and checks a new registry off the I/O
// threads, keeps the running one on any problem, otherwise binds the new one to storage, swaps
// it in and tells whoever derived state from the old one (on_swapped: OCSP's answer cache and
// presigner). Counts and logs
// every attempt. What the new registry is built from (a config file) is the loader's business.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ca/ca_registry_holder.hpp"
#include "core/clock.hpp"
#include "core/logger.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::ca {

// What a loader found: the CAs to serve and what it could not apply.
struct ReloadCandidate {
    CaRegistry registry;  // loaded and checked (load_cas), not yet bound to storage
    // Settings that differ from the running ones but need a restart; they keep the running
    // values. Each names the setting, e.g. "listen.port".
    std::vector<std::string> restart_only;
};

// Every problem that makes the new configuration unusable ("file:line: message" where known).
using ReloadLoader =
    std::function<tl::expected<ReloadCandidate, std::vector<std::string>>()>;

// Old and new registry compared per CA name, one line each for the log.
struct CaChange {
    std::string ca;
    std::string change;  // "added", "removed", "signer rotated", "issuer changed", "same signer"
    std::string signer_serial;     // hex, of the signer now served (the old one when removed)
    UnixSeconds signer_not_after = 0;
};
std::vector<CaChange> compare_registries(const CaRegistry& before, const CaRegistry& after);

class RegistryReloader {
public:
    // All references must outlive the reloader.
    RegistryReloader(ReloadLoader load, CaRegistryHolder& holder, storage::RevocationIndex& index,
                     const Clock& clock, Logger& logger);
    ~RegistryReloader();  // stop()
    RegistryReloader(const RegistryReloader&) = delete;
    RegistryReloader& operator=(const RegistryReloader&) = delete;

    // Called around every attempt, on the reloading thread: `reloading` first, `done` after
    // (success or not). systemd's RELOADING=1 and READY=1 go there. Set before start().
    std::function<void()> on_reloading, on_done;
    // Called on the reloading thread right after a new registry is swapped in, before the
    // attempt counts as done. OCSP clears its answer cache there (every answer signed under the
    // old registry is either dropped then or refused by the cache's generation check) and
    // restarts presigning. Set before start().
    std::function<void()> on_swapped;

    // Reloads now on the calling thread; true when the new registry is being served when it
    // returns (no answer signed under the old one is served or cached after that). Attempts
    // are serialised.
    bool reload();

    // Token recovery: the CAs served now, loaded again with their token keys' modules opened
    // afresh, and checked to sign (cli's loader). Set before start().
    ReloadLoader reopen_loader;
    // Swaps reopen_loader's registry in; true when it did. Unlike reload(), no RELOADING=1,
    // and on_swapped only when a CA's certificates changed on disk meanwhile: the same signers
    // give the same answers, so the cache (all a CA serves while its token is away) stays.
    // Serialised with reload().
    bool reopen();

    // A background thread that runs reload() for request(); requests made while one runs
    // are coalesced into one more. request() is cheap and thread-safe (an Asio signal handler).
    void start();
    void request();
    // A token key failed to sign: a reopen() on the background thread, paced from the first
    // request of an outage at one per kReopenFastSeconds for its first minute, then one per
    // kReopenSlowSeconds (an attempt that reaches the module but not the key leaves a libp11
    // context behind, see pki::PrivateKey::reopen_token). Cheap when not due; thread-safe.
    void request_reopen();
    static constexpr UnixSeconds kReopenFastSeconds = 5, kReopenSlowSeconds = 60;
    static constexpr UnixSeconds kReopenFastFor = 60;  // an outage's first minute
    void stop();  // idempotent; waits for a running reload to finish

    std::uint64_t reloads_succeeded() const { return succeeded_.load(); }
    std::uint64_t reloads_failed() const { return failed_.load(); }
    UnixSeconds last_reload_success_unixtime() const { return last_success_.load(); }
    std::uint64_t reopens_succeeded() const { return reopened_.load(); }
    std::uint64_t reopens_failed() const { return reopen_failed_.load(); }

private:
    bool attempt();
    void fail(const std::vector<std::string>& problems);
    void log_changes(const CaRegistry& before, const CaRegistry& after,
                     const std::vector<std::string>& restart_only);
    void run();

    ReloadLoader load_;
    CaRegistryHolder& holder_;
    storage::RevocationIndex& index_;
    const Clock& clock_;
    Logger& logger_;

    std::mutex reload_mutex_;  // one attempt at a time
    std::atomic<std::uint64_t> succeeded_{0}, failed_{0};
    std::atomic<UnixSeconds> last_success_{0};
    std::atomic<std::uint64_t> reopened_{0}, reopen_failed_{0};

    std::mutex mutex_;  // guards the request flags
    std::condition_variable wake_;
    bool requested_ = false;
    bool reopen_requested_ = false;
    bool stopping_ = false;
    // request_reopen()'s pace: the outage's first request, the last one, the next one taken.
    UnixSeconds outage_since_ = 0, last_reopen_request_ = 0, next_reopen_ = 0;
    std::thread thread_;
};

}  // namespace tanda::ca
