// Reading the `metrics:` section (the Prometheus listener) into MetricsOptions. Internal to
// config/.
#pragma once

#include "config/yaml_reader.hpp"

namespace tanda::config {

void read_metrics(YamlReader& r, const YAML::Node& node, Config& c);

}  // namespace tanda::config
