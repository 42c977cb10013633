// The `notify:` list: webhook targets of the holder notifications (admin/notify_options.hpp).
#pragma once

#include <yaml-cpp/yaml.h>

#include "config/yaml_reader.hpp"

namespace tanda::config {

// Appends one admin::NotifyTarget per entry to c.notify; names must be unique and usable as a
// metric label and a storage key ([a-z0-9_-], 1..64), URLs https://host[:port][/path].
void read_notify(YamlReader& r, const YAML::Node& node, Config& c);

}  // namespace tanda::config
