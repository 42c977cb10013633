// `tanda serve`: wires config, storage, CAs, the OCSP responder and the HTTP listener.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "admin/checkpoint_metrics.hpp"
#include "admin/crl_stages.hpp"
#include "admin/holder_status_route.hpp"
#include "admin/notify_metrics.hpp"
#include "ca/ca_metrics.hpp"
#include "ca/ca_readiness.hpp"
#include "ca/registry_reloader.hpp"
#include "cli/admin_listener.hpp"
#include "cli/args.hpp"
#include "cli/cluster_attach.hpp"
#include "cli/cluster_jobs.hpp"
#include "cli/commands.hpp"
#include "cli/crl_publication_adapter.hpp"
#include "cli/help.hpp"
#include "cli/malloc_arenas.hpp"
#include "cli/metrics_listener.hpp"
#include "cli/notifiers.hpp"
#include "cli/serve_metrics.hpp"
#include "cli/token_reopen.hpp"
#include "config/key_files.hpp"
#include "config/restart_settings.hpp"
#include "core/file_clock.hpp"
#include "crl/crl_metrics.hpp"
#include "crl/crl_readiness.hpp"
#include "crl/crl_routes.hpp"
#include "crl/crl_service.hpp"
#include "http/descriptor_limit.hpp"
#include "http/health_routes.hpp"
#include "http/io_backend.hpp"
#include "http/listener_metrics.hpp"
#include "http/liveness_probe.hpp"
#include "http/server.hpp"
#include "http/signal_watch.hpp"
#include "http/systemd_notifier.hpp"
#include "http/watchdog.hpp"
#include "ocsp/ocsp_metrics.hpp"
#include "ocsp/ocsp_responder.hpp"
#include "ocsp/ocsp_routes.hpp"
#include "ocsp/presigner.hpp"
#include "pki/token_usage.hpp"
#include "storage/index_metrics.hpp"
#include "storage/index_warmer.hpp"
#include "storage/journal_follower.hpp"

namespace tanda::cli {

namespace {

constexpr const char* kServeHelp = R"(Usage: tanda serve --config FILE

Runs the OCSP responder described by FILE (see config/tanda.example.yaml) until SIGTERM or
SIGINT, then stops accepting, lets in-flight requests finish (listen.shutdown_grace) and exits.
SIGHUP re-reads FILE and the CAs' certificates and keys without dropping connections; a config
with problems is logged and the running one kept. Settings that need a restart are named.
Logs one logfmt line per event on stderr; "msg=listening" carries the bound port.

Exit codes: 0 after a clean stop, 1 on a runtime failure, 2 on bad usage, 78 on a bad config.
)";

// SIGHUP: the config file the server started from, read again and checked whole. Only the CAs
// are taken from it; every other setting keeps its running value (and is named when it differs).
ca::ReloadLoader reload_loader(const config::Config& running) {
    return [&running]() -> tl::expected<ca::ReloadCandidate, std::vector<std::string>> {
        auto next = config::load_config(running.path);
        if (!next) {
            std::vector<std::string> problems;
            for (const auto& p : next.error()) problems.push_back(p.to_string());
            return tl::unexpected(std::move(problems));
        }
        // Key files are checked as at start, under the running security setting; with `warn`
        // they were logged at start and are not repeated on every reload.
        if (running.security.insecure_key_permissions == config::KeyPermissionPolicy::refuse) {
            std::vector<std::string> problems;
            for (const auto& p : config::check_key_files(*next)) problems.push_back(p.to_string());
            if (!problems.empty()) return tl::unexpected(std::move(problems));
        }
        auto loaded = ca::load_cas(next->cas);
        if (!loaded) return tl::unexpected(std::move(loaded.error()));
        return ca::ReloadCandidate{std::move(*loaded),
                                          config::restart_only_changes(running, *next)};
    };
}

// Every connection the listeners may hold, plus storage, logs and CRLs.
std::size_t descriptors_wanted(const config::Config& cfg) {
    // The admin listener may hold max_handshakes more while evicted handshakes close.
    return cfg.listen.max_connections + cfg.admin.listen.max_connections +
           cfg.admin.max_handshakes + cfg.metrics.listen.max_connections + 64;
}

// Applied revocations are counted under the name of the CA served now (a reload may rename it).
storage::IssuerName served_ca_name(ca::CaSnapshot cas) {
    return [cas = std::move(cas)](storage::IssuerId id) {
        auto registry = cas();
        for (const auto& ca : registry->cas()) {
            if (ca.issuer_id == id) return ca.options.name;
        }
        return std::string();
    };
}

// TANDA_TEST_CLOCK_FILE names a file whose Unix time is the server's (tests only: it moves the
// time of scheduled revocations), else the system clock.
std::unique_ptr<Clock> make_clock() {
    const char* path = std::getenv("TANDA_TEST_CLOCK_FILE");
    if (path == nullptr || *path == '\0') return std::make_unique<SystemClock>();
    return std::make_unique<FileClock>(path);
}

// How long start-up waits for a cluster's stream that answers "unavailable" (a leader election
// takes seconds; systemd restarts a node that gives up).
constexpr auto kClusterStartWait = std::chrono::seconds(30);

// Everything `tanda serve` runs, in the order it is built; destroyed in reverse after
// shut_down() has stopped it in the order that needs.
struct Serving {
    Serving(const config::Config& cfg, Logger& logger) : cfg(cfg), logger(logger) {}
    const config::Config& cfg;
    Logger& logger;
    std::unique_ptr<Clock> clock_source = make_clock();
    const Clock& clock = *clock_source;
    metrics::Registry metrics;
    std::unique_ptr<storage::RevocationIndex> index;
    // Cluster mode only (the `cluster` section): the journal stream and this node of it.
    ClusterAttachment cluster;
    // The jobs one node at a time does: signing a CA's CRLs, delivering a target's events.
    std::unique_ptr<ClusterJobs> cluster_jobs;
    // The OCSP path and the admin API read the CAs through the holder (SIGHUP swaps them); the
    // CRL service keeps the CAs it started with (config/restart_settings.hpp).
    std::shared_ptr<const ca::CaRegistry> registry;
    std::shared_ptr<ca::CaRegistryHolder> holder;
    ca::CaSnapshot snapshot;
    std::unique_ptr<ocsp::OcspMetrics> ocsp_metrics;
    std::unique_ptr<ocsp::LiveResponder> live;
    std::unique_ptr<ocsp::ResponseCache> cache;  // null when responder.cache_entries is 0
    std::unique_ptr<ocsp::SigningPool> signing;
    std::unique_ptr<ocsp::OcspService> ocsp;
    std::unique_ptr<ocsp::Presigner> presigner;  // null without a cache
    // Cached answers of what `tanda import` and `tanda crl import` change beside this process.
    std::unique_ptr<storage::JournalFollower> cache_follower;  // null without a cache
    // tanda_request_stage_seconds, for the admin API, the CRL stage recorder and notifiers.
    admin::StageObserver stages;
    // Told by the CRL publishers; declared before them, so it outlives their thread.
    std::unique_ptr<admin::CrlStageRecorder> crl_stages;
    std::unique_ptr<crl::CrlService> crls;
    http::Router router;
    std::unique_ptr<http::Server> server;
    std::unique_ptr<http::LivenessProbe> liveness;
    std::unique_ptr<CrlPublicationAdapter> crl_publication;
    std::vector<std::unique_ptr<admin::Notifier>> notifiers;  // one per notify target
    // GET /status/<token> on the public listener, with an admin section only: a read-only
    // AdminService of its own, since the admin listener's starts after the public routes.
    std::unique_ptr<admin::StatusTokens> status_tokens;
    std::unique_ptr<admin::AdminService> holder_status;
    // Null without a checkpoint section.
    std::unique_ptr<admin::Checkpointer> checkpoints;
    std::unique_ptr<AdminListener> admin;       // null when admin.enabled is false
    std::unique_ptr<MetricsListener> exporter;  // null when metrics.enabled is false
    http::SystemdNotifier systemd{logger};
    std::unique_ptr<ca::RegistryReloader> reloader;
    // The reloader once started, for live signing's token failures (which may come before).
    std::atomic<ca::RegistryReloader*> token_reopener{nullptr};
    std::unique_ptr<http::SignalWatch> hangup;
    std::unique_ptr<http::SignalWatch> stop_signals;
    std::unique_ptr<http::Watchdog> watchdog;  // null unless systemd asked for one
    std::unique_ptr<http::SignalWatch> test_stall;
    std::unique_ptr<storage::IndexWarmer> warmer;
};

// An exit code when serving cannot go on (the failure is logged), nullopt to go on.
using Stop = std::optional<int>;

// The CAs from the config, with their certificates and keys; null after logging the problems.
std::shared_ptr<ca::CaRegistry> load_served_cas(const Serving& s) {
    auto loaded = ca::load_cas(s.cfg.cas);
    if (!loaded) {
        for (const auto& p : loaded.error()) s.logger.error("CA not usable", {{"problem", p}});
        return nullptr;
    }
    return std::make_shared<ca::CaRegistry>(std::move(*loaded));
}

// Cluster mode: every write of the index goes through the journal stream from now on, and the
// node applies what the other nodes wrote before it records its CAs.
Stop join_cluster(Serving& s) {
    const auto& o = s.cfg.cluster;
    // A large backlog is applied by the node's thread after start; /readyz waits for it.
    auto attached = attach_to_cluster(o, *s.index, s.logger, std::chrono::seconds(10));
    if (!attached) {
        s.logger.error("cannot join the cluster", {{"error", attached.error().message}});
        return kExitFailure;
    }
    if (attached->behind) {
        s.logger.warn("starting behind the cluster's journal; not ready until caught up",
                      {{"error", attached->behind->message}});
    }
    s.cluster = std::move(attached->cluster);
    s.cluster.node->start();
    s.cluster.node->add_metrics(s.metrics);
    auto status = s.cluster.node->status();
    s.logger.info("joined the cluster", {{"node", o.node},
                                         {"stream", o.stream},
                                         {"applied_seq", std::to_string(status.applied_seq)},
                                         {"stream_seq", std::to_string(status.stream_seq)}});
    return std::nullopt;
}

// Opens storage and records the CAs in it (their issuer ids) before anything serves them.
Stop open_index(Serving& s, const std::shared_ptr<ca::CaRegistry>& cas) {
    auto index = storage::RevocationIndex::open(s.cfg.storage);
    if (!index) {
        s.logger.error("cannot open storage", {{"path", s.cfg.storage.path},
                                               {"error", index.error().message}});
        return kExitFailure;
    }
    s.index = std::move(*index);
    if (s.cfg.cluster.enabled) {
        if (auto stop = join_cluster(s)) return stop;
    }
    if (auto bound = ca::bind_storage(*cas, *s.index, s.clock.now()); !bound) {
        s.logger.error("cannot record CAs in storage", {{"error", bound.error().message}});
        return kExitFailure;
    }
    s.registry = cas;
    s.holder = std::make_shared<ca::CaRegistryHolder>(s.registry);
    s.snapshot = [holder = s.holder] { return holder->snapshot(); };
    storage::add_index_metrics(s.metrics, *s.index);
    storage::count_applied_changes(s.metrics, *s.index, served_ca_name(s.snapshot));
    return std::nullopt;
}

// The OCSP path: live signing, the response cache, the signing pool, the presigner.
void build_ocsp(Serving& s) {
    const auto& o = s.cfg.responder;
    s.ocsp_metrics = std::make_unique<ocsp::OcspMetrics>(s.metrics);
    s.live = std::make_unique<ocsp::LiveResponder>(*s.index, s.clock, s.logger);
    s.live->count_signatures(s.ocsp_metrics->signatures());
    s.live->count_failures(s.ocsp_metrics->signing_failures());
    s.live->on_token_failure = [&s] {
        if (auto* reloader = s.token_reopener.load()) reloader->request_reopen();
    };
    pki::add_token_metrics(s.metrics);
    if (o.cache_entries > 0) s.cache = std::make_unique<ocsp::ResponseCache>(o.cache_entries);
    s.signing = std::make_unique<ocsp::SigningPool>(o.signing_threads, o.signing_queue);
    s.ocsp = std::make_unique<ocsp::OcspService>(s.holder, *s.live, s.cache.get(),
                                                      *s.signing, s.clock);
    s.ocsp->watch(*s.index, [&s] {
        if (s.presigner) s.presigner->restart();
    });
    ocsp::add_cache_metrics(s.metrics, s.cache.get());
    ocsp::add_signing_pool_metrics(s.metrics, *s.signing);
    ca::add_ca_metrics(s.metrics, s.snapshot);
    if (s.cache) {
        s.presigner = std::make_unique<ocsp::Presigner>(s.holder, *s.index, *s.live,
                                                             *s.cache, s.logger, o.presign_rate);
        s.presigner->start();
        s.cache_follower = std::make_unique<storage::JournalFollower>(
            *s.index, std::chrono::seconds(1),
            [&s](auto entries, bool skipped) { s.ocsp->forget(entries, skipped); });
        if (auto r = s.cache_follower->start(); !r) {
            // Only other processes' changes wait for their answers' refresh.
            s.logger.error("cannot follow the journal for the answer cache",
                           {{"error", r.error().message}});
        }
    }
}

Stop start_crls(Serving& s) {
    if (s.cluster.stream) {
        s.cluster_jobs = std::make_unique<ClusterJobs>(*s.cluster.stream, s.cfg.cluster, s.logger);
    }
    s.crls = std::make_unique<crl::CrlService>(
        s.registry, *s.index, s.cfg.state_dir, s.clock, s.logger, std::chrono::seconds(1),
        s.cluster_jobs ? &s.cluster_jobs->crl_sharing() : nullptr);
    s.crls->set_spill_threshold(crl_spill_bytes());
    s.stages = add_request_stage_metrics(s.metrics);
    s.crl_stages = std::make_unique<admin::CrlStageRecorder>(*s.index, s.logger, s.stages);
    s.crls->set_publication_listener([recorder = s.crl_stages.get()](const ca::ServedCa& ca,
                                                                     const crl::PublishedCrl& crl,
                                                                     std::uint64_t after_seq) {
        recorder->record(ca.issuer_id, {crl.number, crl.published_at}, after_seq, crl.covered_seq,
                         crl.delta_base.has_value());
    });
    // A cluster's stream may be electing a leader (a NATS server just restarted): a CRL that
    // must be published at start waits for it, within kClusterStartWait, instead of failing.
    const auto deadline = std::chrono::steady_clock::now() + kClusterStartWait;
    auto started = s.crls->start();
    while (!started && started.error().code == ErrorCode::unavailable &&
           std::chrono::steady_clock::now() < deadline) {
        s.logger.warn("waiting for the cluster to publish CRLs",
                      {{"error", started.error().message}});
        std::this_thread::sleep_for(std::chrono::seconds(1));
        started = s.crls->start();
    }
    if (!started) {
        s.logger.error("cannot publish CRLs", {{"error", started.error().message}});
        return kExitFailure;
    }
    crl::add_crl_metrics(s.metrics, s.snapshot, *s.crls);
    return std::nullopt;
}

// Health, OCSP and CRL routes on the public listener, bound (it runs from run_server).
Stop start_public_listener(Serving& s) {
    s.server = std::make_unique<http::Server>(s.cfg.listen, s.router, s.logger);
    s.liveness = std::make_unique<http::LivenessProbe>(*s.server, s.logger);
    auto checks = ca::readiness_checks(s.snapshot, *s.index, s.clock);
    checks.push_back(crl::readiness_check(s.snapshot, *s.crls, s.clock));
    checks.push_back({"live_signing", [&s] { return s.live->signer_problem(*s.snapshot()); }});
    if (s.cluster.node) checks.push_back(s.cluster.node->readiness_check());
    checks.push_back({"io_threads", [liveness = s.liveness.get()] { return liveness->problem(); }});
    http::add_health_routes(s.router, std::move(checks));
    ocsp::add_ocsp_routes(s.router, s.cfg.responder, *s.ocsp, s.clock, s.ocsp_metrics.get());
    crl::add_crl_routes(s.router, *s.crls, s.clock);
    s.crl_publication = std::make_unique<CrlPublicationAdapter>(*s.crls);
    if (s.cfg.admin.enabled) {
        s.status_tokens = std::make_unique<admin::StatusTokens>(*s.index);
        s.holder_status = std::make_unique<admin::AdminService>(
            s.snapshot, *s.index, s.clock, s.logger, s.crl_publication.get(), nullptr,
            s.cfg.admin);
        admin::add_holder_status_route(s.router, *s.holder_status, *s.status_tokens);
    }
    if (auto ok = s.server->listen(); !ok) {
        s.logger.error("cannot listen", {{"error", ok.error().message}});
        return kExitFailure;
    }
    return std::nullopt;
}

// The webhook notifiers, before the admin API can commit: a target seen for the first time
// starts at the journal head, and nothing committed after that may be missed.
Stop start_notifiers(Serving& s) {
    auto made = make_notifiers(s.cfg, *s.index, s.crl_publication.get(),
                               served_ca_name(s.snapshot), s.clock, s.logger);
    if (!made) {
        s.logger.error("cannot start webhook notifications", {{"error", made.error().message}});
        return made.error().code == ErrorCode::config ? kExitConfig : kExitFailure;
    }
    s.notifiers = std::move(*made);
    for (auto& n : s.notifiers) {
        n->set_stage_observer(s.stages);
        if (s.cluster_jobs) n->set_delivery_gate(s.cluster_jobs->webhook_gate(n->name()));
    }
    admin::add_notify_metrics(s.metrics, s.notifiers);
    for (auto& n : s.notifiers) n->start();
    return std::nullopt;
}

// Signed journal checkpoints, with their metrics and timer, before the admin API serves them.
Stop start_checkpoints(Serving& s) {
    if (!s.cfg.checkpoint.enabled) return std::nullopt;
    auto made = admin::Checkpointer::create(s.cfg.checkpoint, *s.index, s.clock, s.logger);
    if (!made) {
        s.logger.error("cannot start journal checkpoints", {{"error", made.error().message}});
        return made.error().code == ErrorCode::io ? kExitFailure : kExitConfig;
    }
    s.checkpoints = std::move(*made);
    admin::add_checkpoint_metrics(s.metrics, *s.checkpoints);
    s.checkpoints->start();
    return std::nullopt;
}

// The admin API and the metrics listener, each on its own thread, and the listener metrics.
Stop start_admin_and_metrics_listeners(Serving& s) {
    auto admin = AdminListener::start(s.cfg, s.snapshot, *s.index, s.clock, s.logger,
                                      s.crl_publication.get(), s.crl_publication.get(), &s.metrics,
                                      s.status_tokens.get(), s.checkpoints.get(), s.stages);
    if (!admin) {
        s.logger.error("cannot start the admin listener", {{"error", admin.error().message}});
        return admin.error().code == ErrorCode::config ? kExitConfig : kExitFailure;
    }
    s.admin = std::move(*admin);
    auto exporter = MetricsListener::start(s.cfg.metrics, s.metrics, s.logger);
    if (!exporter) {
        s.logger.error("cannot start the metrics listener",
                       {{"error", exporter.error().message}});
        return kExitFailure;
    }
    s.exporter = std::move(*exporter);
    std::vector<http::NamedServer> servers{{"public", s.server.get()}};
    if (s.admin) servers.emplace_back("admin", &s.admin->server());
    if (s.exporter) servers.emplace_back("metrics", &s.exporter->server());
    http::add_listener_metrics(s.metrics, std::move(servers));
    return std::nullopt;
}

std::string served_ca_names(const ca::CaRegistry& cas) {
    std::string names;
    for (const auto& ca : cas.cas()) names += (names.empty() ? "" : ",") + ca.options.name;
    return names;
}

// systemd's STATUS=, with the CAs served now (a reload may change them).
std::string serving_status(const Serving& s) {
    return "OCSP on " + s.cfg.listen.address + ":" + std::to_string(s.server->port()) +
           ", CAs: " + served_ca_names(*s.holder->snapshot());
}

// SIGHUP reloads, on the reload thread: RELOADING=1, then READY=1 around every attempt
// (sd_notify is a datagram send, safe from any thread).
void start_reloader(Serving& s) {
    s.reloader = std::make_unique<ca::RegistryReloader>(reload_loader(s.cfg), *s.holder,
                                                        *s.index, s.clock, s.logger);
    // Cache keys do not name the signer, so every cached answer goes.
    s.reloader->on_swapped = [&s] {
        if (s.cache) s.cache->clear();
        if (s.presigner) s.presigner->restart();
    };
    s.reloader->on_reloading = [&s] { s.systemd.reloading(); };
    s.reloader->on_done = [&s] { s.systemd.ready(serving_status(s)); };
    s.reloader->reopen_loader = token_reopen_loader(*s.holder, s.clock);
    add_reload_metrics(s.metrics, *s.reloader);
    s.reloader->start();
    s.token_reopener = s.reloader.get();
}

// SIGHUP asks for a reload; the first SIGINT or SIGTERM stops accepting and drains.
void watch_signals(Serving& s) {
    using http::SignalWatch;
    s.hangup = std::make_unique<SignalWatch>(
        s.server->context(), std::initializer_list<int>{SIGHUP}, SignalWatch::Repeat::every,
        [&s](int) {
            s.logger.info("reloading", {{"signal", "SIGHUP"}, {"config", s.cfg.path}});
            s.reloader->request();  // loads and checks on the reload thread, not here
        });
    s.stop_signals = std::make_unique<SignalWatch>(
        s.server->context(), std::initializer_list<int>{SIGINT, SIGTERM},
        SignalWatch::Repeat::once, [&s](int signo) {
            s.logger.info("stopping", {{"signal", signo == SIGTERM ? "SIGTERM" : "SIGINT"}});
            s.hangup->cancel();
            s.systemd.stopping();
            s.server->stop();
            if (s.admin) s.admin->stop();
            if (s.exporter) s.exporter->stop();
        });
}

// "listening" with the bound port (tests and operators read it), then the caller's hook.
void announce(const Serving& s, const std::function<void(const BoundPorts&)>& on_listening) {
    s.logger.info("listening", {{"address", s.cfg.listen.address},
                                {"port", std::to_string(s.server->port())},
                                {"cas", served_ca_names(*s.registry)},
                                {"io_backend", http::io_backend()}});
    if (!on_listening) return;
    on_listening({s.server->port(), s.admin ? s.admin->port() : static_cast<unsigned short>(0),
                  s.exporter ? s.exporter->port() : static_cast<unsigned short>(0)});
}

// Liveness rounds on the control loop; when systemd asked for a watchdog, pings from that loop
// while the rounds pass.
void start_liveness_and_watchdog(Serving& s) {
    s.liveness->start();
    const auto period = http::SystemdNotifier::watchdog_period();
    if (period.count() == 0) return;
    s.watchdog = std::make_unique<http::Watchdog>(
        s.server->context(), period, [liveness = s.liveness.get()] { return !liveness->problem(); },
        [&systemd = s.systemd] { systemd.watchdog(); }, s.logger);
    s.watchdog->start();
    s.logger.info("systemd watchdog", {{"ping_every_ms", std::to_string(period.count() / 1000)}});
}

// TANDA_TEST_HOOKS=1 only (the watchdog tests): SIGUSR2 stalls the first I/O thread.
void stall_on_sigusr2_for_tests(Serving& s) {
    const char* hooks = std::getenv("TANDA_TEST_HOOKS");
    if (hooks == nullptr || std::string_view(hooks) != "1") return;
    s.test_stall = std::make_unique<http::SignalWatch>(
        s.server->context(), std::initializer_list<int>{SIGUSR2}, http::SignalWatch::Repeat::once,
        [server = s.server.get()](int) { server->stall_worker_for_test(0); });
}

// After the public listener's run returned (in-flight requests done or the grace over), in
// order: nothing swaps CAs or writes storage from here, no new signatures, the admin API and the
// metrics listener drained, the CRL thread done; storage is closed last, before "stopped".
void shut_down(Serving& s) {
    s.warmer->stop();
    s.token_reopener = nullptr;
    s.reloader->stop();
    if (s.presigner) s.presigner->stop();
    if (s.cache_follower) s.cache_follower->stop();
    s.signing->stop();  // before the server's I/O context goes: late answers have nowhere to go
    s.admin.reset();
    s.exporter.reset();  // its scrapes read storage and the CRLs
    // Within one attempt's timeout; what is undelivered is sent after the next start.
    for (auto& n : s.notifiers) n->stop();
    s.crls->stop();
    s.index.reset();
    s.logger.info("stopped");
}

}  // namespace

std::optional<config::Config> load_config_or_report(const std::string& path) {
    auto cfg = config::load_config(path);
    if (!cfg) {
        for (const auto& p : cfg.error()) std::fprintf(stderr, "%s\n", p.to_string().c_str());
        return std::nullopt;
    }
    // Before any key loads: each token's session bound is set when its first key does.
    pki::set_token_max_sessions(cfg->pkcs11_max_sessions);
    return *cfg;
}

bool key_files_acceptable(const config::Config& cfg, Logger* logger) {
    const bool refuse =
        cfg.security.insecure_key_permissions == config::KeyPermissionPolicy::refuse;
    auto problems = config::check_key_files(cfg);
    for (const auto& p : problems) {
        if (logger != nullptr) {
            logger->log(refuse ? LogLevel::error : LogLevel::warn, "insecure key file",
                        {{"problem", p.to_string()}});
        } else {
            std::fprintf(stderr, "%s%s\n", refuse ? "" : "warning: ", p.to_string().c_str());
        }
    }
    return !refuse || problems.empty();
}

int run_server(const config::Config& cfg, Logger& logger,
               const std::function<void(const BoundPorts&)>& on_listening) {
    limit_malloc_arenas();  // before any thread
    http::raise_descriptor_limit(descriptors_wanted(cfg), logger);
    if (!key_files_acceptable(cfg, &logger)) return kExitConfig;
    Serving s(cfg, logger);
    auto cas = load_served_cas(s);
    if (!cas) return kExitConfig;
    add_build_and_process_metrics(s.metrics);
    if (auto stop = open_index(s, cas)) return *stop;
    build_ocsp(s);
    if (auto stop = start_crls(s)) return *stop;
    if (auto stop = start_public_listener(s)) return *stop;
    if (auto stop = start_notifiers(s)) return *stop;
    if (auto stop = start_checkpoints(s)) return *stop;
    if (auto stop = start_admin_and_metrics_listeners(s)) return *stop;
    start_reloader(s);
    watch_signals(s);
    announce(s, on_listening);
    start_liveness_and_watchdog(s);
    stall_on_sigusr2_for_tests(s);
    s.systemd.ready(serving_status(s));
    s.warmer = std::make_unique<storage::IndexWarmer>(*s.index, logger);
    s.server->run();  // returns once in-flight requests are done (or the grace is over)
    shut_down(s);
    return kExitOk;
}

int serve_command(const Argv& argv) {
    if (wants_help(argv, kServeHelp)) return kExitOk;
    Args args(argv, {"config"}, {});
    if (!args.error().empty() || !args.get("config")) {
        return usage_error(args.error().empty() ? "--config FILE is required" : args.error(),
                           kServeHelp);
    }
    auto cfg = load_config_or_report(*args.get("config"));
    if (!cfg) return kExitConfig;
    Logger logger;
    return run_server(*cfg, logger, nullptr);
}

}  // namespace tanda::cli
