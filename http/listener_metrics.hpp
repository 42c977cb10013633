// Per-listener Prometheus figures read from the servers at each scrape: open connections,
// connections refused at the cap and, for TLS listeners, failed handshakes.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/metrics.hpp"
#include "http/server.hpp"

namespace tanda::http {

// A listener's label value ("public", "admin", "metrics") and its server.
using NamedServer = std::pair<std::string, const Server*>;

// tanda_http_open_connections{listener} and tanda_http_connections_refused_total{listener}
// for every server and tanda_tls_handshake_failures_total{listener} for those with TLS. The servers
// must outlive the registry's scrapes.
void add_listener_metrics(metrics::Registry& registry, std::vector<NamedServer> servers);

}  // namespace tanda::http
