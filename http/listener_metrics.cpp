#include "http/listener_metrics.hpp"

namespace tanda::http {

void add_listener_metrics(metrics::Registry& registry, std::vector<NamedServer> servers) {
    registry.add([servers = std::move(servers)](metrics::Exposition& out) {
        out.family("tanda_http_open_connections", "gauge", "Open connections per listener.");
        for (const auto& [name, server] : servers) {
            out.sample("tanda_http_open_connections", {{"listener", name}},
                       static_cast<double>(server->open_connections()));
        }
        out.family("tanda_http_connections_refused_total", "counter",
                   "Connections closed at accept: the listener was at max_connections and none "
                   "could make room.");
        for (const auto& [name, server] : servers) {
            out.sample("tanda_http_connections_refused_total", {{"listener", name}},
                       static_cast<double>(server->connections_refused()));
        }
        out.family("tanda_tls_handshake_failures_total", "counter",
                   "Failed TLS handshakes per TLS listener.");
        for (const auto& [name, server] : servers) {
            if (!server->tls()) continue;
            out.sample("tanda_tls_handshake_failures_total", {{"listener", name}},
                       static_cast<double>(server->handshake_failures()));
        }
    });
}

}  // namespace tanda::http
