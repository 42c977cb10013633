// One structured logfmt line per event on stderr (journald keeps it). Thread-safe.
// Never pass keys, passphrases or tokens as fields.
#pragma once

#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace tanda {

enum class LogLevel { debug, info, warn, error };

class Logger {
public:
    using Field = std::pair<std::string_view, std::string_view>;

    explicit Logger(LogLevel min_level = LogLevel::info) : min_level_(min_level) {}
    virtual ~Logger() = default;

    void log(LogLevel level, std::string_view msg, std::initializer_list<Field> fields = {});
    void info(std::string_view msg, std::initializer_list<Field> fields = {}) {
        log(LogLevel::info, msg, fields);
    }
    void warn(std::string_view msg, std::initializer_list<Field> fields = {}) {
        log(LogLevel::warn, msg, fields);
    }
    void error(std::string_view msg, std::initializer_list<Field> fields = {}) {
        log(LogLevel::error, msg, fields);
    }
    void debug(std::string_view msg, std::initializer_list<Field> fields = {}) {
        log(LogLevel::debug, msg, fields);
    }

    // logfmt line without the trailing newline; exposed for tests.
    static std::string format(LogLevel level, std::string_view msg,
                              std::initializer_list<Field> fields);

protected:
    virtual void write(std::string_view line);

private:
    LogLevel min_level_;
    std::mutex mutex_;
};

}  // namespace tanda
