// Shared --help and usage-error printing for the subcommands.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.hpp"

namespace tanda::cli {

inline bool wants_help(const std::vector<std::string>& argv, const char* help) {
    for (const auto& a : argv) {
        if (a == "--help" || a == "-h") {
            std::fputs(help, stdout);
            return true;
        }
    }
    return false;
}

inline int usage_error(const std::string& message, const char* help) {
    std::fprintf(stderr, "tanda: %s\n\n%s", message.c_str(), help);
    return kExitUsage;
}

}  // namespace tanda::cli
