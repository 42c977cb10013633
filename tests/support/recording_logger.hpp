// A logger for tests that keeps every line it is given, readable from any thread.
#pragma once

#include <mutex>
#include <string>
#include <string_view>

#include "core/logger.hpp"

namespace tanda::test {

struct RecordingLogger : Logger {
    RecordingLogger() : Logger(LogLevel::debug) {}
    void write(std::string_view line) override {
        std::lock_guard lock(mutex);
        lines += std::string(line) + "\n";
    }
    std::string text() {
        std::lock_guard lock(mutex);
        return lines;
    }
    std::mutex mutex;
    std::string lines;
};

}  // namespace tanda::test
