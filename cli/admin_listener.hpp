// Wires the admin API (admin/) to its own TLS listener (http/) for `tanda serve` and `tanda demo`:
// service, authenticator, routes and server, run on their own thread.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "admin/admin_routes.hpp"
#include "admin/checkpointer.hpp"
#include "ca/ca_registry_holder.hpp"
#include "config/config.hpp"
#include "core/metrics.hpp"
#include "http/background_listener.hpp"
#include "http/server.hpp"

namespace tanda::cli {

class AdminListener {
public:
    // Binds and starts serving when config.admin.enabled; nullptr when it is not. The admin API
    // reads the served CAs through `cas` per request, so it follows a reload. `index`, `clock`,
    // `logger`, `crl` and `reissuer` (both may be null) must outlive the listener; so must
    // `metrics` (may be null), which then counts requests by route and code, and `tokens` (may
    // be null), which then gives each revocation a holder status token, and `checkpoints` (may
    // be null), which then serves /v1/checkpoints.
    [[nodiscard]] static Result<std::unique_ptr<AdminListener>> start(
        const config::Config& config, ca::CaSnapshot cas, storage::RevocationIndex& index,
        const Clock& clock, Logger& logger, const admin::CrlPublicationSource* crl,
        admin::CrlReissuer* reissuer, metrics::Registry* metrics = nullptr,
        admin::StatusTokens* tokens = nullptr, admin::Checkpointer* checkpoints = nullptr,
        admin::StageObserver stages = {});

    unsigned short port() const { return listener_.server().port(); }
    const http::Server& server() const { return listener_.server(); }
    void stop() { listener_.stop(); }

private:
    AdminListener() = default;
    // Closes expired pending requests every kSweepPeriod, so their `expired` journal entry
    // (and the holder's webhook event) comes even when nobody calls the API.
    void sweep(std::stop_token stop);
    std::unique_ptr<admin::AdminService> service_;
    std::mutex sweep_mutex_;
    std::condition_variable_any sweep_wake_;
    std::jthread sweeper_;  // after service_: stopped and joined before it goes
    std::unique_ptr<admin::Authenticator> auth_;
    http::Router router_;
    http::BackgroundListener listener_;  // declared last: stopped and joined first
};

}  // namespace tanda::cli
