// Per-CA CRL publishing policy as read from the config (config/ fills it, crl/ applies it).
#pragma once

#include <chrono>
#include <string>

namespace tanda::ca {

struct DeltaCrlOptions {
    bool enabled = false;
    std::chrono::seconds validity{std::chrono::hours(24)};          // nextUpdate - thisUpdate
    std::chrono::seconds regenerate_before{std::chrono::hours(6)};  // re-issue this long before
    std::string url;  // where the delta is published: the full CRL's Freshest CRL (RFC 5280 5.2.6)
};

enum class CrlSource {
    local,     // Tanda signs the CA's CRLs with the CA key (crl/crl_publisher)
    imported,  // `crl.source: import`: an offline CA signs them; Tanda serves what is imported
};

struct CrlOptions {
    // Resolved by config: true when a CA key is known (crl.signing_key, or signer_key when the
    // CA signs its own OCSP responses) unless `enabled: false`. In a cluster, `enabled: true`
    // without a key: this node serves the CRLs a node with the key signs, never signs any.
    bool enabled = false;
    CrlSource source = CrlSource::local;
    std::string signing_key;  // the CA's private key (CRLs are always signed by the CA itself)
    std::chrono::seconds validity{std::chrono::hours(24 * 7)};
    std::chrono::seconds regenerate_before{std::chrono::hours(24 * 3)};
    // After a change, regenerate within this (changes meanwhile are coalesced). With delta
    // CRLs enabled, changes go into the delta; the full CRL follows its schedule.
    std::chrono::seconds debounce{2};
    // false: a revoked certificate is dropped once it expired before the previous full CRL
    // (so it appears on one CRL issued after its expiry, RFC 5280 5.3); true: kept forever.
    bool keep_expired = false;
    std::string issuing_distribution_point;  // URI; empty omits the (critical) IDP extension
    DeltaCrlOptions delta;
};

}  // namespace tanda::ca
