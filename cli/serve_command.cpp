// `tanda serve`: wires config, storage, CAs, the OCSP responder and the HTTP listener.
#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>

#include <boost/asio/signal_set.hpp>

#include "ca/ca_metrics.hpp"
#include "ca/ca_readiness.hpp"
#include "ca/registry_reloader.hpp"
#include "cli/admin_listener.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/crl_publication_adapter.hpp"
#include "cli/help.hpp"
#include "cli/index_warmer.hpp"
#include "cli/io_backend.hpp"
#include "cli/metrics_listener.hpp"
#include "cli/serve_metrics.hpp"
#include "cli/systemd_notifier.hpp"
#include "config/key_files.hpp"
#include "config/restart_settings.hpp"
#include "crl/crl_metrics.hpp"
#include "crl/crl_readiness.hpp"
#include "crl/crl_routes.hpp"
#include "crl/crl_service.hpp"
#include "http/health_routes.hpp"
#include "http/liveness_probe.hpp"
#include "http/server.hpp"
#include "ocsp/ocsp_metrics.hpp"
#include "ocsp/ocsp_responder.hpp"
#include "ocsp/ocsp_routes.hpp"
#include "ocsp/presigner.hpp"

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

// Debian's default soft limit is 1024 descriptors, well below listen.max_connections' default:
// take the hard limit, and say so when even that cannot hold every configured connection.
void raise_descriptor_limit(const config::Config& cfg, Logger& logger) {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
        getrlimit(RLIMIT_NOFILE, &limit);
    }
    const rlim_t wanted = cfg.listen.max_connections + cfg.admin.listen.max_connections +
                          cfg.metrics.listen.max_connections + 64;  // + storage, logs, CRLs
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
        logger.warn("descriptor limit below the configured connections: accepting pauses "
                    "when it is reached (raise LimitNOFILE / ulimit -n)",
                    {{"limit", std::to_string(limit.rlim_cur)},
                     {"wanted", std::to_string(wanted)}});
    }
}

// TANDA_TEST_HOOKS=1 only (the watchdog tests): SIGUSR2 stalls the first I/O thread.
void stall_on_sigusr2_for_tests(http::Server& server) {
    const char* hooks = std::getenv("TANDA_TEST_HOOKS");
    if (hooks == nullptr || std::string_view(hooks) != "1") return;
    auto signals = std::make_shared<boost::asio::signal_set>(server.context(), SIGUSR2);
    signals->async_wait([&server, signals](const boost::system::error_code& ec, int) {
        if (!ec) server.stall_worker_for_test(0);
    });
}

}  // namespace

std::optional<config::Config> load_config_or_report(const std::string& path) {
    auto cfg = config::load_config(path);
    if (!cfg) {
        for (const auto& p : cfg.error()) std::fprintf(stderr, "%s\n", p.to_string().c_str());
        return std::nullopt;
    }
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
    raise_descriptor_limit(cfg, logger);
    if (!key_files_acceptable(cfg, &logger)) return kExitConfig;
    auto loaded = ca::load_cas(cfg.cas);
    if (!loaded) {
        for (const auto& p : loaded.error()) logger.error("CA not usable", {{"problem", p}});
        return kExitConfig;
    }
    auto initial = std::make_shared<ca::CaRegistry>(std::move(*loaded));
    metrics::Registry metrics;
    add_build_and_process_metrics(metrics);
    auto index = storage::RevocationIndex::open(cfg.storage);
    if (!index) {
        logger.error("cannot open storage", {{"path", cfg.storage.path},
                                             {"error", index.error().message}});
        return kExitFailure;
    }
    SystemClock clock;
    if (auto bound = ca::bind_storage(*initial, **index, clock.now()); !bound) {
        logger.error("cannot record CAs in storage", {{"error", bound.error().message}});
        return kExitFailure;
    }
    // The OCSP path reads the CAs through the holder (SIGHUP swaps them); the CRL service and
    // the admin API keep the CAs they started with (config/restart_settings.hpp).
    std::shared_ptr<const ca::CaRegistry> registry = initial;
    auto holder = std::make_shared<ca::CaRegistryHolder>(registry);
    const ca::CaSnapshot snapshot = [holder] { return holder->snapshot(); };
    add_storage_metrics(metrics, **index);
    count_applied_changes(metrics, **index, snapshot);
    ocsp::OcspMetrics ocsp_metrics(metrics);
    ocsp::LiveResponder live(**index, clock, logger);
    live.count_signatures(ocsp_metrics.signatures());
    std::unique_ptr<ocsp::ResponseCache> cache;
    if (cfg.responder.cache_entries > 0) {
        cache = std::make_unique<ocsp::ResponseCache>(cfg.responder.cache_entries);
    }
    ocsp::SigningPool signing(cfg.responder.signing_threads, cfg.responder.signing_queue);
    ocsp::OcspService ocsp(holder, live, cache.get(), signing, clock);
    ocsp.watch(**index);
    ocsp::add_cache_metrics(metrics, cache.get());
    ocsp::add_signing_pool_metrics(metrics, signing);
    ca::add_ca_metrics(metrics, snapshot);
    std::unique_ptr<ocsp::Presigner> presigner;
    if (cache) {
        presigner = std::make_unique<ocsp::Presigner>(holder, **index, live, *cache, logger,
                                                           cfg.responder.presign_rate);
        presigner->start();
    }
    crl::CrlService crls(registry, **index, cfg.state_dir, clock, logger);
    if (auto started = crls.start(); !started) {
        logger.error("cannot publish CRLs", {{"error", started.error().message}});
        return kExitFailure;
    }
    crl::add_crl_metrics(metrics, snapshot, crls);
    http::Router router;
    http::Server server(cfg.listen, router, logger);
    http::LivenessProbe liveness(server, logger);
    auto checks = ca::readiness_checks(snapshot, **index, clock);
    checks.push_back(crl::readiness_check(snapshot, crls, clock));
    checks.push_back({"io_threads", [&liveness] { return liveness.problem(); }});
    http::add_health_routes(router, std::move(checks));
    ocsp::add_ocsp_routes(router, cfg.responder, ocsp, clock, &ocsp_metrics);
    crl::add_crl_routes(router, crls, clock);

    if (auto ok = server.listen(); !ok) {
        logger.error("cannot listen", {{"error", ok.error().message}});
        return kExitFailure;
    }
    CrlPublicationAdapter crl_publication(crls);
    auto admin = AdminListener::start(cfg, *registry, **index, clock, logger, &crl_publication,
                                      &crl_publication, &metrics);
    if (!admin) {
        logger.error("cannot start the admin listener", {{"error", admin.error().message}});
        return admin.error().code == ErrorCode::config ? kExitConfig : kExitFailure;
    }
    auto exporter = MetricsListener::start(cfg.metrics, metrics, logger);
    if (!exporter) {
        logger.error("cannot start the metrics listener", {{"error", exporter.error().message}});
        return kExitFailure;
    }
    std::vector<NamedServer> servers{{"public", &server}};
    if (*admin) servers.emplace_back("admin", &(*admin)->server());
    if (*exporter) servers.emplace_back("metrics", &(*exporter)->server());
    add_listener_metrics(metrics, std::move(servers));
    SystemdNotifier systemd(logger);  // after `server`: its watchdog timer runs on server.context()
    auto serving = [&] {  // systemd's STATUS=, with the CAs served now (a reload may change them)
        std::string names;
        for (const auto& ca : holder->snapshot()->cas()) {
            names += (names.empty() ? "" : ",") + ca.options.name;
        }
        return "OCSP on " + cfg.listen.address + ":" + std::to_string(server.port()) +
               ", CAs: " + names;
    };
    ca::RegistryReloader reloader(reload_loader(cfg), *holder, **index, clock, logger);
    // Cache keys do not name the signer, so every cached answer goes.
    reloader.on_swapped = [&cache, &presigner] {
        if (cache) cache->clear();
        if (presigner) presigner->restart();
    };
    // Around every reload attempt, on the reload thread: RELOADING=1, then READY=1 (sd_notify
    // is a datagram send, safe from any thread).
    reloader.on_reloading = [&] { systemd.reloading(); };
    reloader.on_done = [&] { systemd.ready(serving()); };
    add_reload_metrics(metrics, reloader);
    reloader.start();
    boost::asio::signal_set hangup(server.context(), SIGHUP);
    std::function<void()> wait_hangup = [&] {
        hangup.async_wait([&](const boost::system::error_code& ec, int) {
            if (ec) return;
            logger.info("reloading", {{"signal", "SIGHUP"}, {"config", cfg.path}});
            reloader.request();  // loads and checks on the reload thread, not here
            wait_hangup();
        });
    };
    wait_hangup();
    boost::asio::signal_set signals(server.context(), SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int signo) {
        if (ec) return;
        logger.info("stopping", {{"signal", signo == SIGTERM ? "SIGTERM" : "SIGINT"}});
        hangup.cancel();
        systemd.stopping();
        server.stop();
        if (*admin) (*admin)->stop();
        if (*exporter) (*exporter)->stop();
    });
    std::string cas;
    for (const auto& ca : registry->cas()) cas += (cas.empty() ? "" : ",") + ca.options.name;
    logger.info("listening", {{"address", cfg.listen.address},
                              {"port", std::to_string(server.port())},
                              {"cas", cas},
                              {"io_backend", io_backend()}});
    if (on_listening) {
        on_listening({server.port(), *admin ? (*admin)->port() : static_cast<unsigned short>(0),
                      *exporter ? (*exporter)->port() : static_cast<unsigned short>(0)});
    }
    liveness.start();
    systemd.start_watchdog(server.context(), [&liveness] { return !liveness.problem(); });
    stall_on_sigusr2_for_tests(server);
    systemd.ready(serving());
    IndexWarmer warmer(**index, logger);
    server.run();  // returns once in-flight requests are done (or the grace is over)
    // Then, in order: nothing swaps CAs or writes storage from here, no new signatures, the
    // admin API and the metrics listener drained, the CRL thread done; storage is closed
    // last, before "stopped".
    warmer.stop();
    reloader.stop();
    if (presigner) presigner->stop();
    signing.stop();  // before the server's I/O context goes: late answers have nowhere to go
    admin->reset();
    exporter->reset();  // its scrapes read storage and the CRLs
    crls.stop();
    index->reset();
    logger.info("stopped");
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
