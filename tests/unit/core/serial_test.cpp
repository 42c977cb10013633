#include "core/serial.hpp"

#include <catch2/catch.hpp>

using tanda::Serial;

TEST_CASE("Serial::from_hex normalises leading zeros and case", "[serial]") {
    auto [input, expected] = GENERATE(table<std::string, std::string>({
        {"FF", "FF"},
        {"00ff", "FF"},
        {"0ff", "FF"},
        {"1", "01"},
        {"0", "00"},
        {"0000", "00"},
        {"01:02", "0102"},
        {"01:02:03", "010203"},
        {"1:02", "0102"},
        {"DEADbeef", "DEADBEEF"},
    }));
    auto s = Serial::from_hex(input);
    REQUIRE(s);
    CHECK(s->to_hex() == expected);
}

TEST_CASE("Serial::from_hex rejects malformed input", "[serial]") {
    auto input = GENERATE(as<std::string>{}, "", "xyz", "12g4", "0x12");
    CHECK_FALSE(Serial::from_hex(input));
}

TEST_CASE("Serial::from_hex enforces kMaxBytes after stripping zeros", "[serial]") {
    std::string max(Serial::kMaxBytes * 2, 'f');
    CHECK(Serial::from_hex(max));
    CHECK(Serial::from_hex("00" + max));
    CHECK_FALSE(Serial::from_hex("01" + max));
}

TEST_CASE("Serial::from_magnitude strips leading zeros; empty is zero", "[serial]") {
    const std::byte raw[] = {std::byte{0}, std::byte{0}, std::byte{0x12}};
    auto s = Serial::from_magnitude(raw);
    REQUIRE(s.bytes().size() == 1);
    CHECK(s.bytes()[0] == std::byte{0x12});
    CHECK(Serial::from_magnitude({}).to_hex() == "00");
    CHECK(Serial::from_magnitude({}) == *Serial::from_hex("00"));
}

TEST_CASE("Serials compare by normalised magnitude", "[serial]") {
    CHECK(*Serial::from_hex("00ff") == *Serial::from_hex("FF"));
    CHECK(*Serial::from_hex("01") != *Serial::from_hex("02"));
}

TEST_CASE("to_hex and from_hex round trip bytes", "[serial][bytes]") {
    const tanda::Bytes bytes = {std::byte{0x00}, std::byte{0xab}, std::byte{0x7f}};
    CHECK(tanda::to_hex(bytes) == "00ab7f");
    CHECK(tanda::from_hex("00AB7F") == bytes);
    CHECK(tanda::from_hex("00:ab:7f") == bytes);
    CHECK_FALSE(tanda::from_hex("abc"));
    CHECK_FALSE(tanda::from_hex("zz"));
}

TEST_CASE("hex_digit_value reads both cases and nothing else", "[bytes]") {
    for (int c = 0; c < 256; ++c) {
        const char ch = static_cast<char>(c);
        int expected = -1;
        if (ch >= '0' && ch <= '9') expected = c - '0';
        if (ch >= 'a' && ch <= 'f') expected = c - 'a' + 10;
        if (ch >= 'A' && ch <= 'F') expected = c - 'A' + 10;
        CHECK(tanda::hex_digit_value(ch) == expected);
    }
}
