#include "cli/admin_listener.hpp"

#include "admin/checkpoint_routes.hpp"
#include "cli/admin_tls.hpp"
#include "cli/serve_metrics.hpp"
#include "http/tls_context.hpp"

namespace tanda::cli {
namespace {

// Pending requests live for hours or days; a few seconds late is fine, and the sweep is one
// read of the small `pending` table when nothing is due.
constexpr std::chrono::seconds kSweepPeriod{2};

}  // namespace

void AdminListener::sweep(std::stop_token stop) {
    std::unique_lock lock(sweep_mutex_);
    while (!sweep_wake_.wait_for(lock, stop, kSweepPeriod, [] { return false; })) {
        if (stop.stop_requested()) return;
        (void)service_->expire_pending();  // logs its own failures
    }
}

Result<std::unique_ptr<AdminListener>> AdminListener::start(
    const config::Config& config, ca::CaSnapshot cas, storage::RevocationIndex& index,
    const Clock& clock, Logger& logger, const admin::CrlPublicationSource* crl,
    admin::CrlReissuer* reissuer, metrics::Registry* metrics, admin::StatusTokens* tokens,
    admin::Checkpointer* checkpoints, admin::StageObserver stages) {
    const admin::AdminOptions& o = config.admin;
    if (!o.enabled) return std::unique_ptr<AdminListener>();
    auto tls = make_admin_tls_context(o);
    if (!tls) return tl::unexpected(tls.error());

    std::unique_ptr<AdminListener> l(new AdminListener());
    l->service_ = std::make_unique<admin::AdminService>(std::move(cas), index, clock, logger,
                                                        crl, reissuer, o);
    l->service_->set_stage_observer(std::move(stages));
    l->auth_ = std::make_unique<admin::Authenticator>(o.roles, o.rate_limit, logger);
    admin::add_admin_routes(l->router_, *l->service_, *l->auth_, tokens);
    if (checkpoints) admin::add_checkpoint_routes(l->router_, *checkpoints, *l->auth_);
    if (metrics) count_admin_requests(*metrics, l->router_);
    http::ServerTls server_tls;
    server_tls.context = std::move(*tls);
    server_tls.handshake_timeout = o.handshake_timeout;
    server_tls.max_handshakes = o.max_handshakes;
    server_tls.max_handshakes_per_source = o.max_handshakes_per_source;
    server_tls.describe_peer = admin::describe_peer;
    // Counted only: a failed handshake never counts toward a block (admin/authenticator.hpp).
    server_tls.on_failure = [auth = l->auth_.get()](const std::string&, const std::string&) {
        auth->on_handshake_failure();
    };
    auto server = std::make_unique<http::Server>(o.listen, l->router_, logger,
                                                 std::move(server_tls));
    if (auto ok = l->listener_.start(std::move(server), "admin", o.listen, logger); !ok) {
        return tl::unexpected(ok.error());
    }
    if (metrics) add_admin_block_metrics(*metrics, *l->auth_, l->listener_.server());
    if (metrics) add_pending_age_metric(*metrics, *l->service_);
    l->sweeper_ = std::jthread([raw = l.get()](std::stop_token stop) { raw->sweep(stop); });
    return l;
}

}  // namespace tanda::cli
