#include "core/logger.hpp"

#include <cstdio>

namespace tanda {
namespace {

std::string_view level_name(LogLevel level) {
    switch (level) {
        case LogLevel::debug: return "debug";
        case LogLevel::info: return "info";
        case LogLevel::warn: return "warn";
        case LogLevel::error: return "error";
    }
    return "info";
}

// logfmt: quote values with spaces, quotes, '=' or control characters.
void append_value(std::string& out, std::string_view v) {
    bool quote = v.empty();
    for (unsigned char c : v) {
        if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f) quote = true;
    }
    if (!quote) {
        out.append(v);
        return;
    }
    out.push_back('"');
    for (unsigned char c : v) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
        } else if (c == '\n') {
            out.append("\\n");
        } else if (c < ' ' || c == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out.append(buf);
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
    out.push_back('"');
}

}  // namespace

std::string Logger::format(LogLevel level, std::string_view msg,
                           std::initializer_list<Field> fields) {
    std::string line = "level=";
    line.append(level_name(level));
    line.append(" msg=");
    append_value(line, msg);
    for (const auto& [key, value] : fields) {
        line.push_back(' ');
        line.append(key);
        line.push_back('=');
        append_value(line, value);
    }
    return line;
}

void Logger::log(LogLevel level, std::string_view msg, std::initializer_list<Field> fields) {
    if (level < min_level_) return;
    std::string line = format(level, msg, fields);
    std::lock_guard lock(mutex_);
    write(line);
}

void Logger::write(std::string_view line) {
    std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
    std::fflush(stderr);
}

}  // namespace tanda
