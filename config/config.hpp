// The whole Tanda configuration, loaded from YAML into each library's options struct.
#pragma once

#include <string>
#include <vector>

#include "admin/admin_options.hpp"
#include "admin/checkpoint_options.hpp"
#include "cluster/cluster_options.hpp"
#include "admin/notify_options.hpp"
#include "ca/ca_options.hpp"
#include "core/result.hpp"
#include "http/listener_options.hpp"
#include "ocsp/ocsp_options.hpp"
#include "storage/storage_options.hpp"

namespace tanda::config {

// What to do when a private key file may be read by others (see config/key_files.hpp).
enum class KeyPermissionPolicy { refuse, warn };

struct SecurityOptions {
    KeyPermissionPolicy insecure_key_permissions = KeyPermissionPolicy::refuse;
};

// A private key file the config names, with where it is named, e.g.
// {"/etc/tanda/ca.key", "/etc/tanda.yaml", 12, "CA 'main' signer_key"}.
struct KeyFile {
    std::string path;
    std::string file;
    int line = 0;
    std::string what;
};

// The Prometheus /metrics listener: plain HTTP, loopback, one thread, small limits.
struct MetricsOptions {
    bool enabled = true;
    http::ListenerOptions listen = [] {
        http::ListenerOptions l;
        l.port = 9102;
        l.threads = 1;
        l.max_connections = 64;
        return l;
    }();
};

struct Config {
    std::string path;  // the file it was loaded from
    http::ListenerOptions listen;
    ocsp::OcspOptions responder;
    storage::Options storage;
    std::vector<ca::CaOptions> cas;
    std::string state_dir;  // published CRLs; default <storage.path>/crl
    admin::AdminOptions admin;  // admin.enabled when the `admin:` section is present
    MetricsOptions metrics;
    std::vector<admin::NotifyTarget> notify;  // webhook targets; empty: no notifications
    // checkpoint.enabled when the `checkpoint:` section is present.
    admin::CheckpointOptions checkpoint;
    // cluster.enabled when the `cluster:` section is present.
    cluster::ClusterOptions cluster;
    SecurityOptions security;
    // pkcs11.max_sessions: signatures in progress at once on one token (libp11 stops at 16).
    int pkcs11_max_sessions = 16;
    std::vector<KeyFile> key_files;  // every private key path above, once each
};

// One problem found in a config file, e.g. {"/etc/tanda.yaml", 12, "unknown key 'prot'"}.
struct ConfigProblem {
    std::string file;
    int line = 0;  // 1-based; 0 when the problem concerns the whole file
    std::string message;
    std::string to_string() const;
};

// Parses and validates the schema (types, ranges, unknown keys, duplicate CA names). Relative
// paths are resolved against the config file's directory. Every problem is collected, so one run
// reports them all. Files named in the config are not opened here (ca::load_cas does).
[[nodiscard]] tl::expected<Config, std::vector<ConfigProblem>> load_config(const std::string& path);
// Same, from text (tests); `path` is only used in messages and for relative paths.
[[nodiscard]] tl::expected<Config, std::vector<ConfigProblem>> parse_config(
    const std::string& text, const std::string& path);

}  // namespace tanda::config
