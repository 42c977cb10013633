#include "config/admin_config.hpp"

#include <algorithm>
#include <cctype>

#include "config/text_rules.hpp"

namespace tanda::config {
namespace {

using std::chrono::seconds;

// A request waiting longer than a month is no longer the request anyone checked.
constexpr seconds kMaxPendingTtl{30 * 24 * 3600};

void read_admin_listen(YamlReader& r, const YAML::Node& node, admin::AdminOptions& a) {
    if (!r.expect_map(node, "admin.listen",
                      {"address", "port", "threads", "max_connections", "max_body_bytes",
                       "idle_timeout", "access_log"})) {
        return;
    }
    auto& l = a.listen;
    r.read_string(node, "address", l.address);
    std::uint64_t port = l.port, threads = l.threads, conns = l.max_connections;
    std::uint64_t body = l.max_body_bytes;
    r.read_uint(node, "port", 0, 65535, port);
    r.read_uint(node, "threads", 1, 64, threads);
    r.read_uint(node, "max_connections", 1, 100'000, conns);
    r.read_size(node, "max_body_bytes", 4096, 64 << 20, body);
    l.port = static_cast<std::uint16_t>(port);
    l.threads = static_cast<unsigned>(threads);
    l.max_connections = conns;
    l.max_body_bytes = body;
    r.read_duration(node, "idle_timeout", seconds(1), seconds(3600), l.idle_timeout);
    r.read_bool(node, "access_log", l.access_log);
}

void read_role(YamlReader& r, const YAML::Node& node, admin::AdminOptions& a) {
    admin::RoleBinding b;
    b.location = r.location(node);
    if (!r.expect_map(node, "an admin role", {"role", "subject", "spki_sha256"})) return;
    if (auto i = r.read_choice(node, "role", {"auditor", "operator"})) {
        b.role = static_cast<admin::Role>(*i);
    } else if (!YamlReader::has_value(node, "role")) {
        r.problem(node, "an admin role needs 'role: operator' or 'role: auditor'");
    }
    r.read_string(node, "subject", b.subject);
    r.read_string(node, "spki_sha256", b.spki_sha256);
    if (b.subject.empty() == b.spki_sha256.empty()) {
        r.problem(node, "an admin role names exactly one of 'subject' or 'spki_sha256'");
    }
    if (!b.spki_sha256.empty()) {
        if (!is_hex_digits(b.spki_sha256, 64)) {
            r.problem(node["spki_sha256"], "'spki_sha256' must be 64 hex digits");
        }
        for (char& ch : b.spki_sha256) ch = static_cast<char>(std::tolower(ch));
    }
    a.roles.push_back(std::move(b));
}

void read_rate_limit(YamlReader& r, const YAML::Node& node, admin::AdminOptions& a) {
    if (!r.expect_map(node, "admin.rate_limit", {"max_failures", "window", "block"})) return;
    std::uint64_t max = a.rate_limit.max_failures;
    r.read_uint(node, "max_failures", 1, 1'000'000, max);
    a.rate_limit.max_failures = static_cast<unsigned>(max);
    r.read_duration(node, "window", seconds(1), seconds(86400), a.rate_limit.window);
    r.read_duration(node, "block", seconds(1), seconds(86400), a.rate_limit.block);
}

// Connections still in their TLS handshake are capped apart (http::ServerTls); the rest of
// max_connections stays for clients that have authenticated, so some must be left. Defaults
// shrink to fit a small max_connections (half of it); values written out must fit as they are.
void read_handshake_caps(YamlReader& r, const YAML::Node& node, admin::AdminOptions& a) {
    const std::uint64_t conns = a.listen.max_connections;
    std::uint64_t all =
        std::min<std::uint64_t>(a.max_handshakes, std::max<std::uint64_t>(1, conns / 2));
    std::uint64_t per_source = a.max_handshakes_per_source;
    r.read_uint(node, "max_handshakes", 1, 10'000, all);
    if (!YamlReader::has_value(node, "max_handshakes_per_source")) {
        per_source = std::min(per_source, all);
    }
    r.read_uint(node, "max_handshakes_per_source", 1, 10'000, per_source);
    if (YamlReader::has_value(node, "max_handshakes") && all >= conns) {
        r.problem(node["max_handshakes"],
                  "'max_handshakes' (" + std::to_string(all) + ") must be below "
                  "admin.listen.max_connections (" + std::to_string(conns) +
                  "): the rest are kept for clients that have authenticated");
    }
    if (per_source > all) {
        r.problem(node["max_handshakes_per_source"],
                  "'max_handshakes_per_source' must not exceed max_handshakes (" +
                      std::to_string(all) + ")");
    }
    a.max_handshakes = all;
    a.max_handshakes_per_source = per_source;
}

}  // namespace

void read_admin(YamlReader& r, const YAML::Node& node, Config& c) {
    auto& a = c.admin;
    if (!r.expect_map(
            node, "admin",
            {"listen", "server_certificate", "server_key", "client_ca", "handshake_timeout",
             "max_handshakes", "max_handshakes_per_source", "max_json_bytes", "max_certificates",
             "roles", "rate_limit", "pending_ttl"})) {
        return;
    }
    a.enabled = true;
    if (node["listen"].IsDefined()) read_admin_listen(r, node["listen"], a);
    r.require(node, {"server_certificate", "server_key", "client_ca"}, "'admin'");
    r.read_path(node, "server_certificate", a.server_certificate);
    r.read_path(node, "server_key", a.server_key);
    r.read_path(node, "client_ca", a.client_ca);
    r.read_duration(node, "handshake_timeout", seconds(1), seconds(300), a.handshake_timeout);
    r.read_duration(node, "pending_ttl", seconds(1), kMaxPendingTtl, a.pending_ttl);
    read_handshake_caps(r, node, a);
    std::uint64_t json_bytes = a.max_json_bytes, certs = a.max_certificates;
    r.read_size(node, "max_json_bytes", 1024, 16 << 20, json_bytes);
    r.read_uint(node, "max_certificates", 1, 100'000, certs);
    a.max_json_bytes = json_bytes;
    a.max_certificates = certs;
    const YAML::Node roles = node["roles"];
    if (!roles.IsDefined() || !roles.IsSequence() || roles.size() == 0) {
        r.problem(roles.IsDefined() ? roles : node,
                  "'admin.roles' must list at least one {role, subject | spki_sha256}");
    } else {
        for (const auto& entry : roles) read_role(r, entry, a);
    }
    if (node["rate_limit"].IsDefined()) read_rate_limit(r, node["rate_limit"], a);
}

void read_admin_ca_policy(YamlReader& r, const YAML::Node& node, const std::string& name,
                          Config& c) {
    admin::CaPolicy policy;
    policy.name = name;
    if (node.IsMap()) {
        r.read_bool(node, "allow_single_approver", policy.allow_single_approver);
        r.read_bool(node, "allow_unregistered", policy.allow_unregistered);
        std::uint64_t approvals = policy.approvals;
        r.read_uint(node, "approvals", 1, 2, approvals);
        policy.approvals = static_cast<unsigned>(approvals);
        r.read_duration(node, "pending_ttl", seconds(1), kMaxPendingTtl, policy.pending_ttl);
    }
    c.admin.cas.push_back(std::move(policy));
}

}  // namespace tanda::config
