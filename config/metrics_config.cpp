#include "config/metrics_config.hpp"

namespace tanda::config {

void read_metrics(YamlReader& r, const YAML::Node& node, Config& c) {
    if (!r.expect_map(node, "metrics", {"enabled", "listen"})) return;
    auto& m = c.metrics;
    r.read_bool(node, "enabled", m.enabled);
    const YAML::Node listen = node["listen"];
    if (!listen.IsDefined()) return;
    if (!r.expect_map(listen, "metrics.listen", {"address", "port", "max_connections"})) return;
    r.read_string(listen, "address", m.listen.address);
    std::uint64_t port = m.listen.port, conns = m.listen.max_connections;
    r.read_uint(listen, "port", 0, 65535, port);
    r.read_uint(listen, "max_connections", 1, 10'000, conns);
    m.listen.port = static_cast<std::uint16_t>(port);
    m.listen.max_connections = conns;
}

}  // namespace tanda::config
