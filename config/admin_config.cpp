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

bool is_attribute_type(std::string_view t) {
    if (t.size() > 4 && (t.substr(0, 4) == "OID." || t.substr(0, 4) == "oid.")) t.remove_prefix(4);
    if (t.empty()) return false;
    const bool oid = std::isdigit(static_cast<unsigned char>(t.front())) != 0;
    return std::all_of(t.begin(), t.end(), [oid](char ch) {
        const auto u = static_cast<unsigned char>(ch);
        return oid ? (std::isdigit(u) != 0 || ch == '.') : (std::isalnum(u) != 0 || ch == '-');
    });
}

// "TYPE=value": one attribute as RFC 4514 writes it (',' '+' ';' escaped with '\' inside the
// value), what admin/role_scope.cpp matches against a subject's attributes.
bool is_one_attribute(std::string_view text) {
    const auto eq = text.find('=');
    if (eq == std::string_view::npos) return false;
    std::string_view type = text.substr(0, eq), value = text.substr(eq + 1);
    while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
    while (!type.empty() && type.front() == ' ') type.remove_prefix(1);
    if (!is_attribute_type(type)) return false;
    bool seen = false;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const char ch = value[i];
        if (ch == '\\') {
            if (++i == value.size()) return false;
        } else if (ch == ',' || ch == '+' || ch == ';' || ch == '"') {
            return false;
        }
        if (ch != ' ') seen = true;
    }
    return seen;
}

void read_strings(YamlReader& r, const YAML::Node& map, const std::string& key,
                  std::vector<std::string>& out) {
    const YAML::Node node = map[key];
    if (!YamlReader::has_value(map, key)) return;
    if (!node.IsSequence()) {
        r.problem(node, "'" + key + "' must be a list");
        return;
    }
    for (const auto& item : node) {
        if (!item.IsScalar() || item.Scalar().empty()) {
            r.problem(item, "'" + key + "' entries must be non-empty text");
        } else {
            out.push_back(item.Scalar());
        }
    }
}

// `scope:` of a role entry (admin_options.hpp RoleScope).
void read_scope(YamlReader& r, const YAML::Node& node, admin::RoleBinding& b) {
    if (!r.expect_map(node, "an admin role's 'scope'", {"attributes", "ou_prefix", "cas"})) return;
    admin::RoleScope scope;
    read_strings(r, node, "attributes", scope.attributes);
    for (std::size_t i = 0; i < scope.attributes.size(); ++i) {
        if (!is_one_attribute(scope.attributes[i])) {
            r.problem(node["attributes"][i],
                      "scope attribute '" + scope.attributes[i] +
                          "' must be one TYPE=value, e.g. 'O=Pemerintah Kabupaten Natuna' "
                          "(escape ',' '+' ';' in the value with '\\')");
        }
    }
    r.read_string(node, "ou_prefix", scope.ou_prefix);
    read_strings(r, node, "cas", scope.cas);
    if (scope.attributes.empty() && scope.ou_prefix.empty() && scope.cas.empty()) {
        r.problem(node, "a role's 'scope' needs 'attributes', 'ou_prefix' or 'cas' (leave "
                        "'scope' out for a role over every CA and certificate)");
    }
    b.scope = std::move(scope);
}

void read_role(YamlReader& r, const YAML::Node& node, admin::AdminOptions& a) {
    admin::RoleBinding b;
    b.location = r.location(node);
    if (!r.expect_map(node, "an admin role", {"role", "subject", "spki_sha256", "scope"})) return;
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
    if (node["scope"].IsDefined()) read_scope(r, node["scope"], b);
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
    r.read_key(node, "server_key", a.server_key);
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

void check_scope_cas(YamlReader& r, const YAML::Node& admin, const Config& c) {
    const YAML::Node roles = admin.IsMap() ? admin["roles"] : YAML::Node();
    if (!roles.IsDefined() || !roles.IsSequence()) return;
    for (const auto& role : roles) {
        // operator[] of a missing key is an invalid node: test IsDefined() before its type.
        if (!role.IsMap() || !role["scope"].IsDefined() || !role["scope"].IsMap()) continue;
        const YAML::Node cas = role["scope"]["cas"];
        if (!cas.IsDefined() || !cas.IsSequence()) continue;
        for (const auto& name : cas) {
            if (!name.IsScalar()) continue;
            const bool served = std::any_of(c.cas.begin(), c.cas.end(), [&](const auto& ca) {
                return ca.name == name.Scalar();
            });
            if (!served) {
                r.problem(name,
                          "scope names CA '" + name.Scalar() + "', which 'cas' does not list");
            }
        }
    }
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
        r.read_bool(node, "require_ca_approver", policy.require_ca_approver);
        if (policy.require_ca_approver && policy.approvals < 2) {
            r.problem(node["require_ca_approver"],
                      "'require_ca_approver' needs 'approvals: 2': with one approval nobody "
                      "approves after the submitter");
        }
    }
    c.admin.cas.push_back(std::move(policy));
}

}  // namespace tanda::config
