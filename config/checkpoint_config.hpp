// The `checkpoint:` section: signed journal checkpoints (admin/checkpoint_options.hpp).
#pragma once

#include <yaml-cpp/yaml.h>

#include "config/yaml_reader.hpp"

namespace tanda::config {

// Fills c.checkpoint: certificate, key and directory are required; interval defaults to 1h, and
// 0 means on demand only. Needs the admin section (checkpoints are made and fetched there).
void read_checkpoint(YamlReader& r, const YAML::Node& node, Config& c);

}  // namespace tanda::config
