// What `tanda serve` exports besides the responder's and storage's own metrics: build and
// process figures, reloads and admin requests. Wiring only; the values come
// from the libraries' public interfaces.
#pragma once

#include "admin/admin_service.hpp"
#include "admin/authenticator.hpp"
#include "admin/request_stages.hpp"
#include "core/metrics.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "ca/registry_reloader.hpp"
#include "ocsp/ocsp_metrics.hpp"

namespace tanda::cli {

// tanda_build_info and the process_* figures.
void add_build_and_process_metrics(metrics::Registry& registry);
// SIGHUP reloads that were applied or refused, and when the last one was applied.
void add_reload_metrics(metrics::Registry& registry, const ca::RegistryReloader& reloader);
// Admin API requests by route and status code; set on the admin router before it serves.
void count_admin_requests(metrics::Registry& registry, http::Router& router);
// Admin blocks (started, lifted by an operator, in force now) and the admin listener's TLS
// handshakes closed to make room for new ones. `auth` and `server` must outlive the scrapes.
void add_admin_block_metrics(metrics::Registry& registry, admin::Authenticator& auth,
                             const http::Server& server);
// tanda_request_stage_seconds{stage}: registers the histograms and answers the observer the
// admin service, the CRL stage recorder and the notifiers report to (admin/request_stages.hpp).
// Call once.
admin::StageObserver add_request_stage_metrics(metrics::Registry& registry);
// tanda_admin_oldest_pending_seconds, read from storage at each scrape. `service` must outlive
// the scrapes.
void add_pending_age_metric(metrics::Registry& registry, const admin::AdminService& service);

}  // namespace tanda::cli
