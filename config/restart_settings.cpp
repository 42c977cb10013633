#include "config/restart_settings.hpp"

#include <tuple>

namespace tanda::config {
namespace {

class Diff {
public:
    explicit Diff(std::vector<std::string>& out) : out_(out) {}
    template <class T>
    void check(const std::string& name, const T& a, const T& b) {
        if (!(a == b)) out_.push_back(name);
    }

private:
    std::vector<std::string>& out_;
};

void listen(Diff& d, const std::string& p, const http::ListenerOptions& a,
            const http::ListenerOptions& b) {
    d.check(p + "address", a.address, b.address);
    d.check(p + "port", a.port, b.port);
    d.check(p + "threads", a.threads, b.threads);
    d.check(p + "max_connections", a.max_connections, b.max_connections);
    d.check(p + "max_header_bytes", a.max_header_bytes, b.max_header_bytes);
    d.check(p + "max_uri_bytes", a.max_uri_bytes, b.max_uri_bytes);
    d.check(p + "max_body_bytes", a.max_body_bytes, b.max_body_bytes);
    d.check(p + "idle_timeout", a.idle_timeout, b.idle_timeout);
    d.check(p + "header_timeout", a.header_timeout, b.header_timeout);
    d.check(p + "slow_header_grace", a.slow_header_grace, b.slow_header_grace);
    d.check(p + "body_timeout", a.body_timeout, b.body_timeout);
    d.check(p + "write_timeout", a.write_timeout, b.write_timeout);
    d.check(p + "shutdown_grace", a.shutdown_grace, b.shutdown_grace);
    d.check(p + "access_log", a.access_log, b.access_log);
}

auto tie_crl(const ca::CrlOptions& c) {
    return std::tie(c.enabled, c.source, c.signing_key, c.validity, c.regenerate_before, c.debounce,
                    c.keep_expired, c.issuing_distribution_point, c.delta.enabled, c.delta.validity,
                    c.delta.regenerate_before, c.delta.url);
}

auto tie_role(const admin::RoleBinding& r) {
    return std::tie(r.role, r.subject, r.spki_sha256, r.scope);
}

auto tie_target(const admin::NotifyTarget& t) {
    return std::tie(t.name, t.url, t.ca_file, t.secret_file, t.timeout, t.max_backoff,
                    t.max_response_bytes);
}

// The webhook notifiers are made once at start (cli/notifiers.hpp), with their secrets read.
bool notify_differs(const Config& a, const Config& b) {
    if (a.notify.size() != b.notify.size()) return true;
    for (std::size_t i = 0; i < a.notify.size(); ++i) {
        if (tie_target(a.notify[i]) != tie_target(b.notify[i])) return true;
    }
    return false;
}

void admin_section(Diff& d, const admin::AdminOptions& a, const admin::AdminOptions& b) {
    d.check("admin", a.enabled, b.enabled);
    if (!a.enabled || !b.enabled) return;
    listen(d, "admin.listen.", a.listen, b.listen);
    d.check("admin.server_certificate", a.server_certificate, b.server_certificate);
    d.check("admin.server_key", a.server_key, b.server_key);
    d.check("admin.client_ca", a.client_ca, b.client_ca);
    d.check("admin.handshake_timeout", a.handshake_timeout, b.handshake_timeout);
    d.check("admin.max_handshakes", a.max_handshakes, b.max_handshakes);
    d.check("admin.max_handshakes_per_source", a.max_handshakes_per_source,
            b.max_handshakes_per_source);
    d.check("admin.max_json_bytes", a.max_json_bytes, b.max_json_bytes);
    d.check("admin.max_certificates", a.max_certificates, b.max_certificates);
    d.check("admin.pending_ttl", a.pending_ttl, b.pending_ttl);
    bool roles = a.roles.size() == b.roles.size();
    for (std::size_t i = 0; roles && i < a.roles.size(); ++i) {
        roles = tie_role(a.roles[i]) == tie_role(b.roles[i]);
    }
    d.check("admin.roles", roles, true);
    d.check("admin.rate_limit",
            std::tie(a.rate_limit.max_failures, a.rate_limit.window, a.rate_limit.block),
            std::tie(b.rate_limit.max_failures, b.rate_limit.window, b.rate_limit.block));
}

const ca::CaOptions* find(const std::vector<ca::CaOptions>& cas,
                                 const std::string& name) {
    for (const auto& ca : cas) {
        if (ca.name == name) return &ca;
    }
    return nullptr;
}

const admin::CaPolicy* find_policy(const admin::AdminOptions& o, const std::string& name) {
    for (const auto& p : o.cas) {
        if (p.name == name) return &p;
    }
    return nullptr;
}

// The admin API follows the served CAs through a reload but keeps the per-CA rules it started
// with: a CA of `b` whose rules differ from those the running API gives it (the defaults when
// `a` has none) needs a restart. A removed CA's rules no longer matter.
bool admin_cas_differ(const Config& a, const Config& b) {
    const admin::CaPolicy defaults;
    for (const auto& ca : b.cas) {
        const auto* pa = find_policy(a.admin, ca.name);
        const auto* pb = find_policy(b.admin, ca.name);
        if (pa == nullptr) pa = &defaults;
        if (pb == nullptr) pb = &defaults;
        if (std::tie(pa->allow_single_approver, pa->allow_unregistered, pa->approvals,
                     pa->pending_ttl, pa->require_ca_approver) !=
            std::tie(pb->allow_single_approver, pb->allow_unregistered, pb->approvals,
                     pb->pending_ttl, pb->require_ca_approver)) {
            return true;
        }
    }
    return false;
}

// CRL publishers are built once per CA at start, with the CA certificate and key of then.
void crl_sections(Diff& d, const Config& a, const Config& b) {
    for (const auto& ca : b.cas) {
        const std::string name = "cas[" + ca.name + "].crl";
        const auto* old = find(a.cas, ca.name);
        if (old == nullptr) {
            d.check(name, false, ca.crl.enabled);
        } else if (old->crl.enabled || ca.crl.enabled) {
            d.check(name, std::tuple_cat(tie_crl(old->crl), std::tie(old->issuer_certificate)),
                    std::tuple_cat(tie_crl(ca.crl), std::tie(ca.issuer_certificate)));
        }
    }
    for (const auto& ca : a.cas) {
        if (find(b.cas, ca.name) == nullptr) d.check("cas[" + ca.name + "].crl", ca.crl.enabled, false);
    }
}

}  // namespace

std::vector<std::string> restart_only_changes(const Config& running, const Config& next) {
    std::vector<std::string> out;
    Diff d(out);
    listen(d, "listen.", running.listen, next.listen);
    d.check("listen.path_prefix", running.responder.path_prefix, next.responder.path_prefix);
    d.check("storage.path", running.storage.path, next.storage.path);
    d.check("storage.map_size", running.storage.map_size, next.storage.map_size);
    d.check("storage.max_readers", running.storage.max_readers, next.storage.max_readers);
    d.check("state_dir", running.state_dir, next.state_dir);
    d.check("responder.cache_entries", running.responder.cache_entries,
            next.responder.cache_entries);
    d.check("responder.signing_threads", running.responder.signing_threads,
            next.responder.signing_threads);
    d.check("responder.signing_queue", running.responder.signing_queue,
            next.responder.signing_queue);
    d.check("responder.presign_rate", running.responder.presign_rate,
            next.responder.presign_rate);
    crl_sections(d, running, next);
    admin_section(d, running.admin, next.admin);
    if (running.admin.enabled && next.admin.enabled) {
        d.check("admin.cas", admin_cas_differ(running, next), false);
    }
    d.check("metrics", running.metrics.enabled, next.metrics.enabled);
    if (running.metrics.enabled && next.metrics.enabled) {
        listen(d, "metrics.listen.", running.metrics.listen, next.metrics.listen);
    }
    d.check("notify", notify_differs(running, next), false);
    return out;
}

}  // namespace tanda::config
