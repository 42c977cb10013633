// Options of the admin API as read from the config (config/ fills it, admin/ and cli/ apply it).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "http/listener_options.hpp"

namespace tanda::admin {

// `operator` may write (revoke, release, register) and read; `auditor` may only read.
enum class Role { auditor, operator_ };

// What a role may see and act on (issue 21): an agency's operator covers its own agency's
// certificates only. Every rule given must hold; at least one is given. admin/role_scope.hpp
// reads and applies them.
struct RoleScope {
    // "TYPE=value" attributes the certificate's subject must hold, each in any of its RDNs
    // (types and values compared as distinguished_name.hpp compares them), e.g.
    // "O=Pemerintah Kabupaten Natuna".
    std::vector<std::string> attributes;
    std::string ou_prefix;  // non-empty: some OU of the subject starts with it (case-insensitive)
    std::vector<std::string> cas;  // non-empty: only these served CAs
    friend bool operator==(const RoleScope&, const RoleScope&) = default;
};

// A client certificate granted a role, by subject DN (compared as names) or by the SHA-256 of
// its DER SubjectPublicKeyInfo (64 hex digits). Exactly one of the two is set.
struct RoleBinding {
    Role role = Role::auditor;
    std::string subject;
    std::string spki_sha256;  // lower-case hex
    std::string location;     // "file:line" in the config
    std::optional<RoleScope> scope{};  // nullopt: every served CA, every certificate
};

// Repeated authentication failures (401/403 after a completed TLS handshake) of one client
// certificate (by SPKI SHA-256), or of one IP address for requests without a certificate:
// after `max_failures` within `window` of the first, its requests get 429 for `block`, or until
// an operator lifts the block. Failed handshakes and bare TCP connections never count.
struct RateLimitOptions {
    unsigned max_failures = 10;
    std::chrono::seconds window{60};
    std::chrono::seconds block{300};
};

// Pending requests expire after this unless a CA sets its own: three days cover a weekend,
// so a request submitted on Friday can still be approved on Monday.
inline constexpr std::chrono::seconds kDefaultPendingTtl{72 * 3600};

// Per-CA rules of the revocation process (the `cas[]` entries of the config).
struct CaPolicy {
    std::string name;
    bool allow_single_approver = false;  // approved_by may equal requested_by
    bool allow_unregistered = false;     // serials never registered may be revoked
    // 2: a revocation or release waits as a pending request until a second operator (another
    // client certificate) approves it; 1: applied at once, for RAs that approved upstream.
    // 2 by default, so a single operator key can never change a status alone (issue 17).
    unsigned approvals = 2;
    std::chrono::seconds pending_ttl{0};  // 0: AdminOptions::pending_ttl
    // The approver of a request must be one of the CA's own operators (no subject rule in its
    // scope), so an agency can never approve its own revocations alone (needs approvals 2).
    bool require_ca_approver = false;
};

inline http::ListenerOptions admin_listener_defaults() {
    http::ListenerOptions o;
    o.port = 8443;
    o.threads = 2;
    o.max_connections = 100;
    o.max_body_bytes = 1024 * 1024;  // certificate registration in bulk; 413 beyond
    return o;
}

struct AdminOptions {
    bool enabled = false;  // an `admin:` section is present
    http::ListenerOptions listen = admin_listener_defaults();
    std::string server_certificate;  // PEM chain the admin listener presents
    std::string server_key;
    std::string client_ca;  // PEM bundle every client certificate must chain to
    // A TLS handshake not done by then is dropped. An operator's takes milliseconds; the
    // deadline only bounds how long a silent or stalled client holds a handshake slot.
    std::chrono::seconds handshake_timeout{5};
    // Connections still in their TLS handshake, in all and per source address (http::ServerTls):
    // past either cap the oldest is closed for the new one, so silent or slow clients cannot
    // take the slots of authenticated ones (max_connections - max_handshakes stay for them).
    std::size_t max_handshakes = 32;
    std::size_t max_handshakes_per_source = 8;
    std::size_t max_json_bytes = 64 * 1024;      // JSON bodies other than registrations (400)
    std::size_t max_certificates = 1000;         // per registration request
    std::vector<RoleBinding> roles;
    RateLimitOptions rate_limit;
    std::vector<CaPolicy> cas;  // one per configured CA, defaults when not set
    std::chrono::seconds pending_ttl = kDefaultPendingTtl;  // for CAs without their own
};

}  // namespace tanda::admin
