#include "cli/serve_metrics.hpp"

#include <boost/version.hpp>

#include "http/io_backend.hpp"
#include "pki/library_version.hpp"

namespace tanda::cli {

using metrics::Exposition;

void add_build_and_process_metrics(metrics::Registry& registry) {
    registry.add([](Exposition& out) {
        out.family("tanda_build_info", "gauge",
                   "Version of tanda, of the libraries it runs on, and its I/O backend.");
        out.sample("tanda_build_info",
                   {{"version", TANDA_VERSION},
                    {"openssl", pki::openssl_version()},
                    {"boost", BOOST_LIB_VERSION},
                    {"io_backend", http::io_backend()}},
                   1);
        metrics::write_process_metrics(out);
    });
}

void add_reload_metrics(metrics::Registry& registry, const ca::RegistryReloader& reloader) {
    registry.add([&reloader](Exposition& out) {
        out.family("tanda_config_reloads_total", "counter",
                   "SIGHUP reloads: ok (new CAs and signers in use) or failed (old ones kept).");
        out.sample("tanda_config_reloads_total", {{"result", "ok"}},
                   static_cast<double>(reloader.reloads_succeeded()));
        out.sample("tanda_config_reloads_total", {{"result", "failed"}},
                   static_cast<double>(reloader.reloads_failed()));
        out.gauge("tanda_config_last_reload_success_timestamp_seconds",
                  "When the last reload was applied (0: none since start).",
                  static_cast<double>(reloader.last_reload_success_unixtime()));
        out.family("tanda_pkcs11_reopens_total", "counter",
                   "Attempts to bring back token keys that stopped signing: ok (reopened and "
                   "signing) or failed (still out of reach).");
        out.sample("tanda_pkcs11_reopens_total", {{"result", "ok"}},
                   static_cast<double>(reloader.reopens_succeeded()));
        out.sample("tanda_pkcs11_reopens_total", {{"result", "failed"}},
                   static_cast<double>(reloader.reopens_failed()));
    });
}

void count_admin_requests(metrics::Registry& registry, http::Router& router) {
    auto& requests = registry.counters("tanda_admin_requests_total",
                                       "Admin API requests by route and HTTP status code.",
                                       {"route", "code"});
    router.observe([&requests](std::string_view route, http::Verb, unsigned status) {
        requests.with({route, std::to_string(status)}).inc();
    });
}

void add_admin_block_metrics(metrics::Registry& registry, admin::Authenticator& auth,
                             const http::Server& server) {
    registry.add([&auth, &server](Exposition& out) {
        const auto blocked = auth.blocks().size();  // first: logs blocks that ran their time
        const auto counts = auth.counters();
        out.counter("tanda_admin_blocks_total",
                    "Admin clients blocked (429) after repeated authentication failures.",
                    static_cast<double>(counts.blocks));
        out.counter("tanda_admin_unblocks_total",
                    "Admin blocks an operator lifted (POST /v1/blocks/unblock).",
                    static_cast<double>(counts.unblocks));
        out.gauge("tanda_admin_blocked", "Admin client keys (certificate or address) blocked now.",
                  static_cast<double>(blocked));
        out.counter("tanda_admin_tls_handshakes_evicted_total",
                    "Admin connections closed during their TLS handshake to make room for a new "
                    "one (admin.max_handshakes, max_handshakes_per_source).",
                    static_cast<double>(server.handshakes_evicted()));
    });
}

admin::StageObserver add_request_stage_metrics(metrics::Registry& registry) {
    // From milliseconds (a write becoming visible in OCSP) to days: the SOP's steps take
    // minutes; a scheduled one waits for its time.
    auto& family = registry.histograms(
        "tanda_request_stage_seconds",
        "Seconds an admin request took to reach a stage from the one before: approved (from "
        "received), applied (from approved, or from its effective_at when scheduled), "
        "visible_in_ocsp (from applied: the write until cached OCSP answers were invalidated, on "
        "the node that took it), crl_published (from visible_in_ocsp: the first CRL covering it "
        "was served), notified (from applied, the first webhook acknowledgement).",
        {"stage"}, {0.01, 0.1, 1, 5, 30, 60, 300, 900, 1800, 3600, 14400, 86400, 259200});
    return [&family](std::string_view stage, double seconds) {
        family.with({stage}).observe(seconds);
    };
}

void add_pending_age_metric(metrics::Registry& registry, const admin::AdminService& service) {
    registry.add([&service](Exposition& out) {
        auto age = service.oldest_pending_seconds();
        if (!age) return;  // storage failed: tanda_storage_up says so
        out.gauge("tanda_admin_oldest_pending_seconds",
                  "Seconds the oldest admin request waiting for its approval has waited; 0 when "
                  "none (approved scheduled revocations wait for their time, not for anyone).",
                  *age);
    });
}

}  // namespace tanda::cli
