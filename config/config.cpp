#include "config/config.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include "config/admin_config.hpp"
#include "config/checkpoint_config.hpp"
#include "config/cluster_config.hpp"
#include "config/crl_config.hpp"
#include "config/metrics_config.hpp"
#include "config/notify_config.hpp"
#include "config/pkcs11_config.hpp"
#include "config/text_rules.hpp"
#include "config/yaml_reader.hpp"

namespace tanda::config {
namespace {

using std::chrono::seconds;
constexpr seconds kTenYears{10LL * 365 * 86400};

void read_listen(YamlReader& r, const YAML::Node& node, Config& c) {
    if (!r.expect_map(node, "listen",
                      {"address", "port", "path_prefix", "threads", "max_connections",
                       "max_header_bytes", "max_uri_bytes", "max_body_bytes", "idle_timeout",
                       "header_timeout", "body_timeout", "write_timeout", "shutdown_grace",
                       "slow_header_grace", "access_log"})) {
        return;
    }
    auto& l = c.listen;
    r.read_string(node, "address", l.address);
    std::uint64_t port = l.port, threads = l.threads, conns = l.max_connections;
    std::uint64_t header = l.max_header_bytes, uri = l.max_uri_bytes, body = l.max_body_bytes;
    r.read_uint(node, "port", 0, 65535, port);
    r.read_uint(node, "threads", 0, 256, threads);
    r.read_uint(node, "max_connections", 1, 1'000'000, conns);
    r.read_size(node, "max_header_bytes", 1024, 1 << 20, header);
    r.read_size(node, "max_uri_bytes", 256, 1 << 20, uri);
    r.read_size(node, "max_body_bytes", 256, 16 << 20, body);
    l.port = static_cast<std::uint16_t>(port);
    l.threads = static_cast<unsigned>(threads);
    l.max_connections = conns;
    l.max_header_bytes = header;
    l.max_uri_bytes = uri;
    l.max_body_bytes = body;
    r.read_duration(node, "idle_timeout", seconds(1), seconds(3600), l.idle_timeout);
    r.read_duration(node, "header_timeout", seconds(1), seconds(600), l.header_timeout);
    r.read_duration(node, "slow_header_grace", seconds(1), seconds(600), l.slow_header_grace);
    r.read_duration(node, "body_timeout", seconds(1), seconds(600), l.body_timeout);
    r.read_duration(node, "write_timeout", seconds(1), seconds(600), l.write_timeout);
    r.read_duration(node, "shutdown_grace", seconds(0), seconds(600), l.shutdown_grace);
    r.read_bool(node, "access_log", l.access_log);
    r.read_string(node, "path_prefix", c.responder.path_prefix);
    auto& prefix = c.responder.path_prefix;
    if (!prefix.empty() && !is_path_prefix(prefix)) {
        r.problem(node["path_prefix"], "'path_prefix' must look like /ocsp (no trailing slash)");
    }
}

void read_responder(YamlReader& r, const YAML::Node& node, Config& c) {
    if (!r.expect_map(node, "responder",
                      {"cache_entries", "signing_threads", "signing_queue", "presign_rate"})) {
        return;
    }
    auto& o = c.responder;
    std::uint64_t entries = o.cache_entries, threads = o.signing_threads, queue = o.signing_queue;
    r.read_uint(node, "cache_entries", 0, 100'000'000, entries);
    r.read_uint(node, "signing_threads", 0, 256, threads);
    r.read_uint(node, "signing_queue", 0, 1'000'000, queue);
    std::uint64_t rate = o.presign_rate;
    r.read_uint(node, "presign_rate", 1, 1'000'000, rate);
    o.presign_rate = static_cast<unsigned>(rate);
    o.cache_entries = entries;
    o.signing_threads = static_cast<unsigned>(threads);
    o.signing_queue = queue;
}

void read_storage(YamlReader& r, const YAML::Node& node, Config& c) {
    if (!r.expect_map(node, "storage", {"path", "map_size", "max_readers"})) return;
    r.read_path(node, "path", c.storage.path);
    std::uint64_t map_size = c.storage.map_size, readers = c.storage.max_readers;
    r.read_size(node, "map_size", 1 << 20, 1ULL << 40, map_size);
    r.read_uint(node, "max_readers", 16, 65536, readers);
    c.storage.map_size = map_size;
    c.storage.max_readers = static_cast<unsigned>(readers);
}

void read_nonce(YamlReader& r, const YAML::Node& node, ca::CaOptions& ca) {
    if (!r.expect_map(node, "nonce", {"policy", "min_length", "max_length"})) return;
    if (auto i = r.read_choice(node, "policy", {"echo", "ignore", "require"})) {
        ca.nonce_policy = static_cast<ca::NoncePolicy>(*i);
    }
    std::uint64_t min = ca.nonce_min_length, max = ca.nonce_max_length;
    r.read_uint(node, "min_length", 1, 128, min);
    r.read_uint(node, "max_length", 1, 128, max);
    if (min > max) r.problem(node, "nonce min_length is greater than max_length");
    ca.nonce_min_length = min;
    ca.nonce_max_length = max;
}

void read_expired(YamlReader& r, const YAML::Node& node, ca::CaOptions& ca) {
    if (!r.expect_map(node, "expired", {"policy", "retention"})) return;
    if (auto i = r.read_choice(node, "policy", {"archive", "unknown"})) {
        ca.expired = static_cast<ca::ExpiredPolicy>(*i);
    }
    if (node["retention"].IsDefined() && node["retention"].as<std::string>("") != "forever") {
        seconds retention{0};
        r.read_duration(node, "retention", seconds(86400), seconds(1000LL * 365 * 86400),
                        retention);
        if (retention.count() > 0) ca.archive_retention = retention;
    }
}

void read_requests(YamlReader& r, const YAML::Node& node, ca::CaOptions& ca) {
    if (!r.expect_map(node, "requests", {"signature", "trusted_requestors"})) return;
    if (auto i = r.read_choice(node, "signature", {"optional", "required"})) {
        ca.requests.signature = static_cast<ca::RequestSignaturePolicy>(*i);
    }
    r.read_path(node, "trusted_requestors", ca.requests.trusted_requestors);
    if (node["trusted_requestors"].IsDefined()) {
        ca.requests.trusted_requestors_location = r.location(node["trusted_requestors"]);
    }
}

ca::CaOptions read_ca(YamlReader& r, const YAML::Node& node, bool in_cluster) {
    ca::CaOptions ca;
    ca.location = r.location(node);
    if (!r.expect_map(
            node, "a CA entry",
            {"name", "issuer_certificate", "signer_certificate", "signer_key", "response_validity",
             "backdate", "max_certids", "nonce", "unknown_serials", "expired", "presign", "crl",
             "rsa_padding", "requests", "issuer_revocation",
             kAdminCaKeys[0], kAdminCaKeys[1], kAdminCaKeys[2], kAdminCaKeys[3],
             kAdminCaKeys[4]})) {
        return ca;
    }
    r.read_string(node, "name", ca.name);
    if (!is_ca_name(ca.name)) {
        r.problem(node["name"].IsDefined() ? node["name"] : node,
                  "CA 'name' must be 1-63 of a-z, 0-9, '_' or '-' (it appears in URLs), not '" +
                      ca.name + "'");
    }
    r.require(node, {"issuer_certificate", "signer_key"}, "CA '" + ca.name + "'");
    r.read_path(node, "issuer_certificate", ca.issuer_certificate);
    r.read_path(node, "signer_certificate", ca.signer_certificate);
    r.read_key(node, "signer_key", ca.signer_key);
    if (ca.signer_certificate.empty()) ca.signer_certificate = ca.issuer_certificate;
    r.read_duration(node, "response_validity", seconds(60), kTenYears, ca.response_validity);
    r.read_duration(node, "backdate", seconds(0), seconds(86400), ca.backdate);
    std::uint64_t max_certids = ca.max_certids;
    r.read_uint(node, "max_certids", 1, 1000, max_certids);
    ca.max_certids = max_certids;
    if (auto i = r.read_choice(node, "unknown_serials", {"unknown", "revoked"})) {
        ca.unknown_serials = static_cast<ca::UnknownSerialPolicy>(*i);
    }
    if (auto i = r.read_choice(node, "issuer_revocation", {"inherit", "ignore"})) {
        ca.issuer_revocation = static_cast<ca::IssuerRevocationPolicy>(*i);
    }
    if (node["nonce"].IsDefined()) read_nonce(r, node["nonce"], ca);
    if (node["expired"].IsDefined()) read_expired(r, node["expired"], ca);
    if (node["requests"].IsDefined()) read_requests(r, node["requests"], ca);
    r.read_bool(node, "presign", ca.presign);
    if (auto i = r.read_choice(node, "rsa_padding", {"pkcs1", "pss"})) ca.rsa_pss = *i == 1;
    read_crl(r, node, ca, in_cluster);
    return ca;
}

void read_security(YamlReader& r, const YAML::Node& node, Config& c) {
    if (!r.expect_map(node, "security", {"insecure_key_permissions"})) return;
    if (auto i = r.read_choice(node, "insecure_key_permissions", {"refuse", "warn"})) {
        c.security.insecure_key_permissions = static_cast<KeyPermissionPolicy>(*i);
    }
}

// Records `setting` (read from map[key]) as a private key file, once per path; for a PKCS#11
// URI, the PIN file it names instead.
void add_key_file(YamlReader& r, const YAML::Node& map, const std::string& key,
                  const std::string& setting, std::string what, Config& c) {
    const std::string path = secret_file_of(setting);
    if (path != setting) what += " PIN file";
    if (path.empty() || !map.IsDefined() || !map.IsMap() || !map[key].IsDefined()) return;
    for (const auto& k : c.key_files) {
        if (k.path == path) return;
    }
    c.key_files.push_back({path, r.file(), r.line_of(map[key]), std::move(what)});
}

void collect_key_files(YamlReader& r, const YAML::Node& root, Config& c) {
    const YAML::Node cas = root["cas"];
    for (std::size_t i = 0; cas.IsSequence() && i < cas.size() && i < c.cas.size(); ++i) {
        const auto& ca = c.cas[i];
        const std::string name = "CA '" + ca.name + "' ";
        add_key_file(r, cas[i], "signer_key", ca.signer_key, name + "signer_key", c);
        if (cas[i].IsMap()) {
            const YAML::Node crl = cas[i]["crl"];
            add_key_file(r, crl, "signing_key", ca.crl.signing_key, name + "crl.signing_key", c);
        }
    }
    if (c.admin.enabled) {
        add_key_file(r, root["admin"], "server_key", c.admin.server_key, "admin server_key", c);
    }
    if (c.checkpoint.enabled) {
        add_key_file(r, root["checkpoint"], "key", c.checkpoint.key, "checkpoint key", c);
    }
    // A webhook secret is a key like the others: whoever reads it can forge events.
    const YAML::Node notify = root["notify"];
    for (std::size_t i = 0; notify.IsSequence() && i < notify.size() && i < c.notify.size(); ++i) {
        add_key_file(r, notify[i], "secret_file", c.notify[i].secret_file,
                     "notify '" + c.notify[i].name + "' secret_file", c);
    }
}

void read_cas(YamlReader& r, const YAML::Node& node, Config& c) {
    if (!node.IsSequence() || node.size() == 0) {
        r.problem(node, "'cas' must be a non-empty list of CA entries");
        return;
    }
    std::set<std::string> names;
    for (const auto& entry : node) {
        auto ca = read_ca(r, entry, c.cluster.enabled);
        read_admin_ca_policy(r, entry, ca.name, c);
        if (!ca.name.empty() && !names.insert(ca.name).second) {
            r.problem(entry, "duplicate CA name '" + ca.name + "'");
        }
        c.cas.push_back(std::move(ca));
    }
}

}  // namespace

std::string ConfigProblem::to_string() const {
    return file + (line > 0 ? ":" + std::to_string(line) : "") + ": " + message;
}

tl::expected<Config, std::vector<ConfigProblem>> parse_config(const std::string& text,
                                                              const std::string& path) {
    YamlReader r(path);
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        r.problem(e.mark.line + 1, "YAML syntax: " + e.msg);
        return tl::unexpected(r.problems());
    }
    Config c;
    c.path = path;
    if (!r.expect_map(root, "the config file",
                      {"listen", "storage", "state_dir", "responder", "cas", "admin", "metrics",
                       "security", "notify", "checkpoint", "pkcs11", "cluster"})) {
        return tl::unexpected(r.problems());
    }
    if (root["listen"].IsDefined()) read_listen(r, root["listen"], c);
    if (root["responder"].IsDefined()) read_responder(r, root["responder"], c);
    if (root["admin"].IsDefined()) read_admin(r, root["admin"], c);
    if (root["metrics"].IsDefined()) read_metrics(r, root["metrics"], c);
    if (root["security"].IsDefined()) read_security(r, root["security"], c);
    if (root["notify"].IsDefined()) read_notify(r, root["notify"], c);
    if (root["checkpoint"].IsDefined()) {
        read_checkpoint(r, root["checkpoint"], c);
        if (!c.admin.enabled) {
            r.problem(root["checkpoint"], "'checkpoint' needs the 'admin' section");
        }
    }
    if (root["cluster"].IsDefined()) read_cluster(r, root["cluster"], c);
    if (root["storage"].IsDefined()) {
        read_storage(r, root["storage"], c);
    }
    if (c.storage.path.empty()) r.problem(0, "'storage.path' is required");
    r.read_path(root, "state_dir", c.state_dir);
    if (c.state_dir.empty() && !c.storage.path.empty()) c.state_dir = c.storage.path + "/crl";
    if (root["cas"].IsDefined()) {
        read_cas(r, root["cas"], c);
        if (root["admin"].IsDefined()) check_scope_cas(r, root["admin"], c);
    } else {
        r.problem(0, "'cas' is required: list the CAs this responder serves");
    }
    if (root["pkcs11"].IsDefined()) apply_pkcs11_module(r, root["pkcs11"], c);
    if (!r.problems().empty()) return tl::unexpected(r.problems());
    collect_key_files(r, root, c);
    return c;
}

tl::expected<Config, std::vector<ConfigProblem>> load_config(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return tl::unexpected(std::vector<ConfigProblem>{{path, 0, "cannot be read"}});
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse_config(text.str(), path);
}

}  // namespace tanda::config
