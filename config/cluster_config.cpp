#include "config/cluster_config.hpp"

namespace tanda::config {
namespace {

bool is_nats_url(const std::string& url) {
    return url.starts_with("nats://") || url.starts_with("tls://");
}

// JetStream stream names: letters, digits, '-' and '_' (no '.', '*', '>' or spaces).
bool is_stream_name(const std::string& name) {
    if (name.empty() || name.size() > 64) return false;
    for (char ch : name) {
        bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                  (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
        if (!ok) return false;
    }
    return true;
}

}  // namespace

void read_cluster(YamlReader& r, const YAML::Node& node, Config& c) {
    auto& o = c.cluster;
    o.location = r.location(node);
    if (!r.expect_map(node, "cluster",
                      {"node", "servers", "tls", "credentials", "stream", "replicas", "max_lag",
                       "write_timeout", "crl_lease"})) {
        return;
    }
    o.enabled = true;
    r.require(node, {"node", "servers"}, "'cluster'");
    r.read_string(node, "node", o.node);
    const YAML::Node servers = node["servers"];
    if (servers.IsDefined() && !servers.IsSequence()) {
        r.problem(servers, "cluster.servers must be a list of nats:// or tls:// URLs");
    } else if (servers.IsDefined()) {
        for (const auto& url : servers) {
            auto text = url.IsScalar() ? url.as<std::string>() : std::string();
            if (!is_nats_url(text)) {
                r.problem(url, "cluster.servers: '" + text + "' is not a nats:// or tls:// URL");
            } else {
                o.servers.push_back(text);
            }
        }
        if (servers.size() == 0) r.problem(servers, "cluster.servers is empty");
    }
    const YAML::Node tls = node["tls"];
    if (tls.IsDefined() && r.expect_map(tls, "cluster.tls", {"ca", "cert", "key"})) {
        r.read_path(tls, "ca", o.tls_ca);
        r.read_path(tls, "cert", o.tls_cert);
        r.read_path(tls, "key", o.tls_key);
        if (o.tls_cert.empty() != o.tls_key.empty()) {
            r.problem(tls, "cluster.tls needs both 'cert' and 'key', or neither");
        }
    }
    r.read_path(node, "credentials", o.credentials);
    r.read_string(node, "stream", o.stream);
    if (!is_stream_name(o.stream)) {
        r.problem(node["stream"],
                  "cluster.stream '" + o.stream +
                      "' is not a JetStream stream name (letters, digits, - and _)");
    }
    std::uint64_t replicas = static_cast<std::uint64_t>(o.replicas);
    r.read_uint(node, "replicas", 1, 5, replicas);
    o.replicas = static_cast<int>(replicas);
    r.read_duration(node, "max_lag", std::chrono::seconds(1), std::chrono::hours(1), o.max_lag);
    r.read_duration(node, "write_timeout", std::chrono::seconds(1), std::chrono::minutes(5),
                    o.write_timeout);
    r.read_duration(node, "crl_lease", std::chrono::seconds(3), std::chrono::minutes(10),
                    o.crl_lease);
}

}  // namespace tanda::config
