#include "core/logger.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

namespace {

class CapturingLogger : public tanda::Logger {
public:
    using Logger::Logger;
    std::vector<std::string> lines;

protected:
    void write(std::string_view line) override { lines.emplace_back(line); }
};

}  // namespace

TEST_CASE("Logger::format writes logfmt", "[logger]") {
    CHECK(tanda::Logger::format(tanda::LogLevel::info, "started", {{"port", "8080"}}) ==
          "level=info msg=started port=8080");
    CHECK(tanda::Logger::format(tanda::LogLevel::warn, "two words", {}) ==
          "level=warn msg=\"two words\"");
}

TEST_CASE("Logger::format quotes and escapes values", "[logger]") {
    auto [value, expected] = GENERATE(table<std::string, std::string>({
        {"", "\"\""},
        {"a=b", "\"a=b\""},
        {"say \"hi\"", "\"say \\\"hi\\\"\""},
        {"back\\slash", "\"back\\\\slash\""},
        {"line\nbreak", "\"line\\nbreak\""},
        {std::string("bell\x07"), "\"bell\\x07\""},
        {"plain", "plain"},
    }));
    CHECK(tanda::Logger::format(tanda::LogLevel::error, "m", {{"k", value}}) ==
          "level=error msg=m k=" + expected);
}

TEST_CASE("Logger drops lines below its level", "[logger]") {
    CapturingLogger log(tanda::LogLevel::warn);
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e", {{"x", "1"}});
    REQUIRE(log.lines.size() == 2);
    CHECK(log.lines[0] == "level=warn msg=w");
    CHECK(log.lines[1] == "level=error msg=e x=1");
}

TEST_CASE("Logger serialises writes from many threads", "[logger]") {
    CapturingLogger log(tanda::LogLevel::debug);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&log] {
            for (int i = 0; i < 250; ++i) log.info("tick");
        });
    }
    for (auto& t : threads) t.join();
    CHECK(log.lines.size() == 1000);
}
