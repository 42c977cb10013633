// The `crl:` section of a CA entry; every key and default is in config/tanda.example.yaml.
#include "config/crl_config.hpp"

#include <algorithm>
#include <optional>

#include "config/text_rules.hpp"

namespace tanda::config {
namespace {

using std::chrono::seconds;
constexpr seconds kTenYears{10LL * 365 * 86400};

void read_uri(YamlReader& r, const YAML::Node& node, const std::string& key, std::string& out) {
    r.read_string(node, key, out);
    if (!out.empty() && !is_uri(out)) {
        r.problem(node[key], "'" + key + "' must be a URI such as http://crl.example/ca.crl");
    }
}

// regenerate_before defaults to min(`fallback`, validity / 2) and must be below validity.
void read_schedule(YamlReader& r, const YAML::Node& node, seconds& validity,
                   seconds& regenerate_before, const std::string& what) {
    r.read_duration(node, "validity", seconds(3600), kTenYears, validity);
    if (node["regenerate_before"].IsDefined()) {
        r.read_duration(node, "regenerate_before", seconds(0), kTenYears, regenerate_before);
        if (regenerate_before >= validity) {
            r.problem(node["regenerate_before"],
                      "'" + what + "regenerate_before' must be shorter than its validity");
        }
    } else {
        regenerate_before = std::min(regenerate_before, validity / 2);
    }
}

void read_delta(YamlReader& r, const YAML::Node& node, ca::DeltaCrlOptions& d) {
    if (!r.expect_map(node, "crl.delta", {"enabled", "validity", "regenerate_before", "url"})) {
        return;
    }
    r.read_bool(node, "enabled", d.enabled);
    read_schedule(r, node, d.validity, d.regenerate_before, "crl.delta.");
    read_uri(r, node, "url", d.url);
    if (d.enabled && d.url.empty()) {
        r.problem(node, "'crl.delta.url' is required with delta CRLs: the full CRL's Freshest "
                        "CRL extension points there");
    }
}

// crl.source: import: the CA's key is offline; its CRLs are imported as signed (crl/crl_import).
void read_imported(YamlReader& r, const YAML::Node& node, ca::CaOptions& ca,
                   std::optional<bool> enabled, bool in_cluster) {
    auto& crl = ca.crl;
    crl.enabled = enabled.value_or(true);
    for (const char* key : {"signing_key", "delta", "validity", "regenerate_before", "debounce",
                            "keep_expired", "issuing_distribution_point"}) {
        if (node[key].IsDefined()) {
            r.problem(node[key],
                      std::string("CA '") + ca.name +
                          "': crl.source: import serves "
                          "the CRLs the CA signs elsewhere, delta CRLs included: remove 'crl." +
                          key + "'");
        }
    }
    if (in_cluster && crl.enabled) {
        r.problem(node["source"], "CA '" + ca.name +
                                      "': crl.source: import is not supported in "
                                      "a cluster yet (an imported CRL would reach one node only)");
    }
}

}  // namespace

void read_crl(YamlReader& r, const YAML::Node& ca_node, ca::CaOptions& ca, bool in_cluster) {
    auto& crl = ca.crl;
    std::optional<bool> enabled;
    const YAML::Node node = ca_node["crl"];
    if (node.IsDefined() &&
        r.expect_map(node, "crl",
                     {"enabled", "source", "signing_key", "validity", "regenerate_before",
                      "debounce", "keep_expired", "issuing_distribution_point", "delta"})) {
        if (node["enabled"].IsDefined()) {
            bool e = false;
            r.read_bool(node, "enabled", e);
            enabled = e;
        }
        if (auto i = r.read_choice(node, "source", {"local", "import"})) {
            crl.source = static_cast<ca::CrlSource>(*i);
        }
        r.read_key(node, "signing_key", crl.signing_key);
        read_schedule(r, node, crl.validity, crl.regenerate_before, "crl.");
        r.read_duration(node, "debounce", seconds(0), seconds(3600), crl.debounce);
        r.read_bool(node, "keep_expired", crl.keep_expired);
        read_uri(r, node, "issuing_distribution_point", crl.issuing_distribution_point);
        if (node["delta"].IsDefined()) read_delta(r, node["delta"], crl.delta);
    }
    if (crl.source == ca::CrlSource::imported) {
        read_imported(r, node, ca, enabled, in_cluster);
        return;
    }
    // The CA key is known when the CA signs its own OCSP responses.
    if (crl.signing_key.empty() && ca.signer_certificate == ca.issuer_certificate) {
        crl.signing_key = ca.signer_key;
    }
    crl.enabled = enabled.value_or(!crl.signing_key.empty());
    if (crl.enabled && crl.signing_key.empty() && !in_cluster) {
        r.problem(node.IsDefined() ? node : ca_node,
                  "CA '" + ca.name + "': CRLs are signed with the CA key, and OCSP uses a "
                  "delegated signer: set 'crl.signing_key' to the CA's private key");
    }
}

}  // namespace tanda::config
