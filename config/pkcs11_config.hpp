// config-internal: the top-level `pkcs11:` section (the default PKCS#11 module) and what it
// means for the key settings that hold PKCS#11 URIs.
#pragma once

#include <string>

#include "config/yaml_reader.hpp"

namespace tanda::config {

// Reads `pkcs11: {module: /usr/lib/softhsm/libsofthsm2.so}` and adds that module as
// `module-path` to every PKCS#11 URI among the CA keys (signer_key, crl.signing_key) and the
// checkpoint key that names none, so the key loader finds the whole key in its setting.
void apply_pkcs11_module(YamlReader& r, const YAML::Node& node, Config& c);

// The file a key setting makes Tanda read as a secret: `key` itself, or for a PKCS#11 URI
// the file of its `pin-source=file:` (empty for a systemd credential, which systemd guards).
std::string secret_file_of(const std::string& key);

}  // namespace tanda::config
