// Shared --help and usage-error printing for the subcommands.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>
#include <string_view>
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

// The command a help text documents: "tanda admin" from "Usage: tanda admin <subcommand> ...",
// the lower-case words after "Usage: " before the first placeholder or option.
inline std::string command_of(std::string_view help) {
    constexpr std::string_view kUsage = "Usage: ";
    const auto at = help.find(kUsage);
    if (at == std::string_view::npos) return "tanda";
    std::string_view line = help.substr(at + kUsage.size());
    line = line.substr(0, line.find('\n'));
    std::string command;
    while (!line.empty()) {
        const std::string_view word = line.substr(0, line.find(' '));
        const bool is_name = !word.empty() && word.front() != '-' &&
                             std::all_of(word.begin(), word.end(), [](char c) {
                                 return std::islower(static_cast<unsigned char>(c)) || c == '-';
                             });
        if (!is_name) break;
        command += (command.empty() ? "" : " ") + std::string(word);
        line.remove_prefix(std::min(word.size() + 1, line.size()));
    }
    return command.empty() ? "tanda" : command;
}

// The error and one line pointing to the help, not the whole help: the error is what the
// caller needs to see, and a page of text after it scrolls it away.
inline int usage_error(const std::string& message, const char* help) {
    const std::string command = command_of(help);
    std::fprintf(stderr, "tanda: %s\nRun '%s --help' for usage.\n", message.c_str(),
                 command.c_str());
    return kExitUsage;
}

}  // namespace tanda::cli
