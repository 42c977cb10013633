// Human units in the config: durations ("90s", "5m", "24h", "7d", "10y") and sizes ("64MiB").
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tanda::config {

// A non-negative integer followed by s, m, h, d or y (365 days); a bare number is seconds.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);
// A non-negative integer optionally followed by B, KiB, MiB, GiB, TiB (or K, M, G, T).
std::optional<std::uint64_t> parse_size(std::string_view text);

}  // namespace tanda::config
