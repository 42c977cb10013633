// Shared by the config tests: every problem parse_config reports for a text, joined for matching.
#pragma once

#include <string>

#include <catch2/catch.hpp>

#include "config/config.hpp"

namespace tanda::test {

inline std::string problems_of(const std::string& text) {
    auto c = config::parse_config(text, "/etc/tanda/tanda.yaml");
    REQUIRE_FALSE(c);
    std::string all;
    for (const auto& p : c.error()) all += p.to_string() + "\n";
    return all;
}

}  // namespace tanda::test
