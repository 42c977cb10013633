// Shared --help and usage-error printing for the subcommands.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.hpp"

namespace tanda::cli {

inline bool asks_for_help(const std::vector<std::string>& argv) {
    for (const auto& a : argv) {
        if (a == "--help" || a == "-h") return true;
    }
    return false;
}

// Prints `help` when argv asks for it.
inline bool wants_help(const std::vector<std::string>& argv, const char* help) {
    if (!asks_for_help(argv)) return false;
    std::fputs(help, stdout);
    return true;
}

inline int usage_error(const std::string& message, const char* help) {
    std::fprintf(stderr, "tanda: %s\n\n%s", message.c_str(), help);
    return kExitUsage;
}

}  // namespace tanda::cli
