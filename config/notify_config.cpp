#include "config/notify_config.hpp"

#include <set>

#include "config/text_rules.hpp"

namespace tanda::config {
namespace {

using std::chrono::seconds;

// https://host[:port][/path] with a non-empty host: webhooks carry signed events about
// people's certificates, so plain http is refused here rather than at the first delivery.
bool is_https_url(std::string_view url) {
    constexpr std::string_view kScheme = "https://";
    if (!is_uri(url) || url.substr(0, kScheme.size()) != kScheme) return false;
    const std::string_view rest = url.substr(kScheme.size());
    const std::string_view authority = rest.substr(0, rest.find('/'));
    return !authority.empty() && authority.front() != ':' && authority.find('@') == rest.npos;
}

admin::NotifyTarget read_target(YamlReader& r, const YAML::Node& node) {
    admin::NotifyTarget t;
    t.location = r.location(node);
    if (!r.expect_map(node, "a notify target",
                      {"name", "url", "ca_file", "secret_file", "timeout", "max_backoff",
                       "max_response_bytes"})) {
        return t;
    }
    r.require(node, {"name", "url", "ca_file", "secret_file"}, "a notify target");
    r.read_string(node, "name", t.name);
    if (YamlReader::has_value(node, "name") && !is_ca_name(t.name)) {
        r.problem(node["name"], "a notify target's 'name' must be 1-63 of a-z, 0-9, '_', '-'");
    }
    r.read_string(node, "url", t.url);
    if (YamlReader::has_value(node, "url") && !is_https_url(t.url)) {
        r.problem(node["url"], "a notify target's 'url' must be https://host[:port][/path]");
    }
    r.read_path(node, "ca_file", t.ca_file);
    r.read_path(node, "secret_file", t.secret_file);
    r.read_duration(node, "timeout", seconds(1), seconds(300), t.timeout);
    r.read_duration(node, "max_backoff", seconds(1), seconds(86400), t.max_backoff);
    std::uint64_t bytes = t.max_response_bytes;
    r.read_size(node, "max_response_bytes", 1024, 1 << 20, bytes);
    t.max_response_bytes = bytes;
    return t;
}

}  // namespace

void read_notify(YamlReader& r, const YAML::Node& node, Config& c) {
    if (!node.IsSequence()) {
        r.problem(node, "'notify' must be a list of {name, url, ca_file, secret_file}");
        return;
    }
    std::set<std::string> names;
    for (const auto& entry : node) {
        auto target = read_target(r, entry);
        if (!target.name.empty() && !names.insert(target.name).second) {
            r.problem(entry, "duplicate notify target name '" + target.name + "'");
        }
        c.notify.push_back(std::move(target));
    }
}

}  // namespace tanda::config
