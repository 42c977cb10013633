#include "config/pkcs11_config.hpp"

#include "pki/pkcs11_uri.hpp"

namespace tanda::config {
namespace {

void add_module(const std::string& module, std::string& key) {
    if (!pki::is_pkcs11_uri(key)) return;
    auto uri = pki::parse_pkcs11_uri(key);
    if (!uri || !uri->module_path.empty()) return;
    key += (key.find('?') == std::string::npos ? "?" : "&") + ("module-path=" + module);
}

}  // namespace

void apply_pkcs11_module(YamlReader& r, const YAML::Node& node, Config& c) {
    if (!r.expect_map(node, "pkcs11", {"module", "max_sessions"})) return;
    std::uint64_t sessions = static_cast<std::uint64_t>(c.pkcs11_max_sessions);
    r.read_uint(node, "max_sessions", 1, 16, sessions);
    c.pkcs11_max_sessions = static_cast<int>(sessions);
    std::string module;
    r.read_string(node, "module", module);
    if (module.empty()) return;
    // Appended to a URI as it is: characters with a meaning in a URI query would need escaping.
    if (module.front() != '/' || module.find_first_of("%&;?#") != std::string::npos) {
        r.problem(node["module"],
                  "'pkcs11.module' must be an absolute path without any of % & ; ? #");
        return;
    }
    for (auto& ca : c.cas) {
        add_module(module, ca.signer_key);
        add_module(module, ca.crl.signing_key);
    }
    add_module(module, c.checkpoint.key);
    add_module(module, c.admin.server_key);
}

std::string secret_file_of(const std::string& key) {
    if (!pki::is_pkcs11_uri(key)) return key;
    auto uri = pki::parse_pkcs11_uri(key);
    if (!uri || uri->pin_source.rfind("file:", 0) != 0) return {};
    return uri->pin_source.substr(5);
}

}  // namespace tanda::config
