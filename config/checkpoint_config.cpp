#include "config/checkpoint_config.hpp"

namespace tanda::config {

void read_checkpoint(YamlReader& r, const YAML::Node& node, Config& c) {
    auto& o = c.checkpoint;
    o.location = r.location(node);
    if (!r.expect_map(node, "checkpoint", {"certificate", "key", "directory", "interval"})) return;
    o.enabled = true;
    r.require(node, {"certificate", "key", "directory"}, "'checkpoint'");
    r.read_path(node, "certificate", o.certificate);
    r.read_key(node, "key", o.key);
    r.read_path(node, "directory", o.directory);
    r.read_duration(node, "interval", std::chrono::seconds(0), std::chrono::hours(24 * 7),
                    o.interval);
}

}  // namespace tanda::config
