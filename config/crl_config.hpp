// Reading a CA's `crl:` section (ca::CrlOptions). Internal to config/.
#pragma once

#include <yaml-cpp/yaml.h>

#include "ca/ca_options.hpp"
#include "config/yaml_reader.hpp"

namespace tanda::config {

// Reads ca_node["crl"] when present and resolves the defaults that depend on the rest of the CA
// entry (signing_key, enabled); call after the signer keys were read. Records every problem.
// `in_cluster`: `enabled: true` without a key is then a node that serves the CRLs another node
// signs (crl/crl_publisher.hpp); on a single node it is an error.
void read_crl(YamlReader& r, const YAML::Node& ca_node, ca::CaOptions& ca, bool in_cluster);

}  // namespace tanda::config
