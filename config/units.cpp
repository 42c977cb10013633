#include "config/units.hpp"

#include <array>
#include <charconv>
#include <limits>
#include <string>
#include <utility>

namespace tanda::config {
namespace {

// Splits "123abc" into 123 and "abc"; nullopt without leading digits or on overflow.
std::optional<std::pair<std::uint64_t, std::string_view>> split_number(std::string_view text) {
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end == text.data()) return std::nullopt;
    std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
    while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
    return std::pair{value, unit};
}

std::optional<std::uint64_t> scale(std::uint64_t value, std::uint64_t factor) {
    if (value > std::numeric_limits<std::uint64_t>::max() / factor) return std::nullopt;
    return value * factor;
}

}  // namespace

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
    static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 6> kUnits{{
        {"", 1}, {"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}, {"y", 365 * 86400}}};
    auto parts = split_number(text);
    if (!parts) return std::nullopt;
    for (const auto& [unit, factor] : kUnits) {
        if (parts->second != unit) continue;
        auto seconds = scale(parts->first, factor);
        // Keep durations far from overflow when added to Unix times.
        if (!seconds || *seconds > 1000ULL * 365 * 86400) return std::nullopt;
        return std::chrono::seconds(static_cast<std::int64_t>(*seconds));
    }
    return std::nullopt;
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
    static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 9> kUnits{{
        {"", 1}, {"B", 1}, {"K", 1ULL << 10}, {"KiB", 1ULL << 10}, {"M", 1ULL << 20},
        {"MiB", 1ULL << 20}, {"G", 1ULL << 30}, {"GiB", 1ULL << 30}, {"TiB", 1ULL << 40}}};
    auto parts = split_number(text);
    if (!parts) return std::nullopt;
    for (const auto& [unit, factor] : kUnits) {
        if (parts->second == unit) return scale(parts->first, factor);
    }
    return std::nullopt;
}

}  // namespace tanda::config
