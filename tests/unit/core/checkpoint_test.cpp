#include "core/checkpoint.hpp"

#include <catch2/catch.hpp>

namespace {

tanda::Checkpoint sample() {
    tanda::Checkpoint c;
    c.seq = 42;
    for (std::size_t i = 0; i < c.head.size(); ++i) c.head[i] = std::byte(i * 7);
    c.time = 1'796'083'200;  // 2026-12-01T00:00:00Z
    return c;
}

}  // namespace

TEST_CASE("checkpoint payload is the canonical text and parses back", "[core][checkpoint]") {
    const std::string text = tanda::format_checkpoint(sample());
    CHECK(text ==
          "tanda-checkpoint 1\nseq: 42\n"
          "head: 00070e151c232a31383f464d545b626970777e858c939aa1a8afb6bdc4cbd2d9\n"
          "time: 2026-12-01T00:00:00Z\n");
    auto parsed = tanda::parse_checkpoint(text);
    REQUIRE(parsed);
    CHECK(*parsed == sample());
}

TEST_CASE("checkpoint payload: anything but the canonical text is refused", "[core][checkpoint]") {
    const std::string good = tanda::format_checkpoint(sample());
    auto replace = [&](std::string_view from, std::string_view to) {
        std::string t = good;
        t.replace(t.find(from), from.size(), to);
        return t;
    };
    const std::string bad[] = {
        "",
        replace("tanda-checkpoint 1", "tanda-checkpoint 2"),
        replace("seq: 42", "seq: 042"),
        replace("seq: 42", "seq: 0"),
        replace("seq: 42", "seq: -1"),
        replace("seq: 42", "seq:42"),
        replace("head: 0007", "head: 00"),    // short
        replace("head: 0007", "head: 0A07"),  // upper case
        replace("2026-12-01T00:00:00Z", "2026-12-01T00:00:00+00:00"),
        replace("time: ", "when: "),
        good + "extra: 1\n",
        good.substr(0, good.size() - 1),  // no final newline
    };
    for (const auto& text : bad) {
        INFO(text);
        auto parsed = tanda::parse_checkpoint(text);
        REQUIRE_FALSE(parsed);
        CHECK(parsed.error().code == tanda::ErrorCode::invalid_argument);
    }
}
