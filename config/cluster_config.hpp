// The `cluster` section (cluster/cluster_options.hpp).
#pragma once

#include <yaml-cpp/yaml.h>

#include "config/yaml_reader.hpp"

namespace tanda::config {

// Fills c.cluster: node and servers are required; tls (ca, cert, key), credentials, stream,
// replicas (1..5), max_lag, write_timeout and crl_lease are optional.
void read_cluster(YamlReader& r, const YAML::Node& node, Config& c);

}  // namespace tanda::config
