#include "config/yaml_reader.hpp"

#include <charconv>
#include <filesystem>

#include "config/units.hpp"
#include "pki/pkcs11_uri.hpp"

namespace tanda::config {

void YamlReader::problem(const YAML::Node& at, std::string message) {
    problem(line_of(at), std::move(message));
}

void YamlReader::problem(int line, std::string message) {
    problems_.push_back(ConfigProblem{file_, line, std::move(message)});
}

bool YamlReader::expect_map(const YAML::Node& node, const std::string& what,
                            const std::set<std::string>& allowed) {
    if (!node.IsMap()) {
        problem(node, what + " must be a mapping");
        return false;
    }
    std::set<std::string> seen;
    for (const auto& entry : node) {
        const auto key = entry.first.as<std::string>("");
        if (!allowed.count(key)) {
            std::string known;
            for (const auto& k : allowed) known += (known.empty() ? "" : ", ") + k;
            problem(entry.first, "unknown key '" + key + "' in " + what + " (known: " + known + ")");
        } else if (!seen.insert(key).second) {
            problem(entry.first, "duplicate key '" + key + "' in " + what);
        }
    }
    return true;
}

std::optional<std::string> YamlReader::scalar(const YAML::Node& map, const std::string& key) {
    const YAML::Node node = map[key];
    if (!node.IsDefined() || node.IsNull()) return std::nullopt;
    if (!node.IsScalar()) {
        problem(node, "'" + key + "' must be a single value");
        return std::nullopt;
    }
    return node.Scalar();
}

void YamlReader::read_string(const YAML::Node& map, const std::string& key, std::string& out) {
    if (auto text = scalar(map, key)) out = *text;
}

void YamlReader::read_bool(const YAML::Node& map, const std::string& key, bool& out) {
    auto text = scalar(map, key);
    if (!text) return;
    if (*text == "true" || *text == "yes") {
        out = true;
    } else if (*text == "false" || *text == "no") {
        out = false;
    } else {
        problem(map[key], "'" + key + "' must be true or false, not '" + *text + "'");
    }
}

void YamlReader::read_uint(const YAML::Node& map, const std::string& key, std::uint64_t min,
                           std::uint64_t max, std::uint64_t& out) {
    auto text = scalar(map, key);
    if (!text) return;
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc{} || end != text->data() + text->size()) {
        problem(map[key], "'" + key + "' must be a whole number, not '" + *text + "'");
    } else if (value < min || value > max) {
        problem(map[key], "'" + key + "' must be between " + std::to_string(min) + " and " +
                              std::to_string(max) + ", not " + *text);
    } else {
        out = value;
    }
}

void YamlReader::read_size(const YAML::Node& map, const std::string& key, std::uint64_t min,
                           std::uint64_t max, std::uint64_t& out) {
    auto text = scalar(map, key);
    if (!text) return;
    auto value = parse_size(*text);
    if (!value) {
        problem(map[key], "'" + key + "' must be a size like 4096, 64KiB or 1GiB, not '" + *text +
                              "'");
    } else if (*value < min || *value > max) {
        problem(map[key], "'" + key + "' must be between " + std::to_string(min) + " and " +
                              std::to_string(max) + " bytes, not " + *text);
    } else {
        out = *value;
    }
}

void YamlReader::read_duration(const YAML::Node& map, const std::string& key,
                               std::chrono::seconds min, std::chrono::seconds max,
                               std::chrono::seconds& out) {
    auto text = scalar(map, key);
    if (!text) return;
    auto value = parse_duration(*text);
    if (!value) {
        problem(map[key], "'" + key + "' must be a duration like 30s, 5m, 24h, 7d or 10y, not '" +
                              *text + "'");
    } else if (*value < min || *value > max) {
        problem(map[key], "'" + key + "' must be between " + std::to_string(min.count()) +
                              "s and " + std::to_string(max.count()) + "s, not " + *text);
    } else {
        out = *value;
    }
}

std::optional<std::size_t> YamlReader::read_choice(const YAML::Node& map, const std::string& key,
                                                   const std::vector<std::string>& choices) {
    auto text = scalar(map, key);
    if (!text) return std::nullopt;
    std::string listed;
    for (std::size_t i = 0; i < choices.size(); ++i) {
        if (choices[i] == *text) return i;
        listed += (i ? ", " : "") + choices[i];
    }
    problem(map[key], "'" + key + "' must be one of " + listed + ", not '" + *text + "'");
    return std::nullopt;
}

void YamlReader::read_path(const YAML::Node& map, const std::string& key, std::string& out) {
    auto text = scalar(map, key);
    if (!text) return;
    if (text->empty()) {
        problem(map[key], "'" + key + "' must not be empty");
        return;
    }
    std::filesystem::path p(*text);
    if (p.is_relative()) p = std::filesystem::absolute(file_).parent_path() / p;
    out = p.lexically_normal().string();
}

void YamlReader::read_key(const YAML::Node& map, const std::string& key, std::string& out) {
    auto text = scalar(map, key);
    if (!text || !pki::is_pkcs11_uri(*text)) {
        read_path(map, key, out);
        return;
    }
    if (auto uri = pki::parse_pkcs11_uri(*text); !uri) {
        problem(map[key], "'" + key + "': " + uri.error().message);
        return;
    }
    out = *text;
}

}  // namespace tanda::config
