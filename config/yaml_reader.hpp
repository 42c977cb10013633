// A thin reader over yaml-cpp nodes that records every problem with its line instead of
// throwing, and rejects keys nobody asked for. Internal to config/.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "config/config.hpp"

namespace tanda::config {

class YamlReader {
public:
    explicit YamlReader(std::string file) : file_(std::move(file)) {}

    void problem(const YAML::Node& at, std::string message);
    void problem(int line, std::string message);
    int line_of(const YAML::Node& node) const { return node.Mark().line + 1; }

    // A mapping whose keys are all in `allowed`; records unknown and duplicate keys.
    // Returns false (and records why) when `node` is not a mapping.
    bool expect_map(const YAML::Node& node, const std::string& what,
                    const std::set<std::string>& allowed);

    // Whether map[key] holds a value: a key left empty (`signer_key:`) or `~` is null in YAML,
    // which the readers below treat as absent, so a required key must be checked with this.
    static bool has_value(const YAML::Node& map, const std::string& key) {
        const YAML::Node node = map[key];
        return node.IsDefined() && !node.IsNull();
    }
    // Records "<who> needs '<key>'" at `map` for each of `keys` without a value.
    void require(const YAML::Node& map, std::initializer_list<const char*> keys,
                 const std::string& who) {
        for (const char* key : keys) {
            if (!has_value(map, key)) problem(map, who + " needs '" + key + "'");
        }
    }

    // Each reads map[key] when present into `out`, leaving `out` untouched when absent or bad.
    void read_string(const YAML::Node& map, const std::string& key, std::string& out);
    void read_bool(const YAML::Node& map, const std::string& key, bool& out);
    void read_uint(const YAML::Node& map, const std::string& key, std::uint64_t min,
                   std::uint64_t max, std::uint64_t& out);
    void read_size(const YAML::Node& map, const std::string& key, std::uint64_t min,
                   std::uint64_t max, std::uint64_t& out);
    void read_duration(const YAML::Node& map, const std::string& key, std::chrono::seconds min,
                       std::chrono::seconds max, std::chrono::seconds& out);
    // One of `choices`; returns the index chosen, or nullopt when absent or bad.
    std::optional<std::size_t> read_choice(const YAML::Node& map, const std::string& key,
                                           const std::vector<std::string>& choices);
    // A path, made absolute against the config file's directory.
    void read_path(const YAML::Node& map, const std::string& key, std::string& out);
    // A private key: a path as above, or an RFC 7512 PKCS#11 URI ("pkcs11:...") kept as written
    // once it parses (pki/pkcs11_uri.hpp); a URI holding a PIN is refused.
    void read_key(const YAML::Node& map, const std::string& key, std::string& out);

    std::string location(const YAML::Node& node) const {
        return file_ + ":" + std::to_string(line_of(node));
    }
    std::vector<ConfigProblem>& problems() { return problems_; }
    const std::string& file() const { return file_; }

private:
    // Scalar text of map[key]; nullopt when absent; records a problem when not a scalar.
    std::optional<std::string> scalar(const YAML::Node& map, const std::string& key);

    std::string file_;
    std::vector<ConfigProblem> problems_;
};

}  // namespace tanda::config
