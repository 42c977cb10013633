#include "pki/der_writer.hpp"

#include <catch2/catch.hpp>

using namespace tanda;
using namespace tanda::pki;

TEST_CASE("DER lengths are minimal", "[der]") {
    auto [length, encoded] = GENERATE(table<std::size_t, std::string>(
        {{0, "3000"}, {127, "307f"}, {128, "308180"}, {255, "3081ff"}, {256, "30820100"},
         {65536, "3083010000"}, {16777216, "308401000000"}}));
    Bytes out;
    der::put_header(out, der::kSequence, length);
    CHECK(to_hex(out) == encoded);
    CHECK(der::length_size(length) + 1 == out.size());
}

TEST_CASE("unsigned INTEGERs are minimal and never negative", "[der]") {
    auto [magnitude, encoded] = GENERATE(table<std::string, std::string>(
        {{"", "020100"}, {"00", "020100"}, {"7f", "02017f"}, {"80", "02020080"},
         {"0001ff", "020201ff"}}));
    Bytes out;
    der::put_unsigned(out, *from_hex(magnitude));
    CHECK(to_hex(out) == encoded);
}

TEST_CASE("times follow RFC 5280: UTCTime 1950-2049, GeneralizedTime otherwise", "[der]") {
    auto [t, text] = GENERATE(table<UnixSeconds, std::string>(
        {{0, "\x17\x0d" "700101000000Z"},
         {2524607999, "\x17\x0d" "491231235959Z"},
         {2524608000, "\x18\x0f" "20500101000000Z"},
         {-631152001, "\x18\x0f" "19491231235959Z"},
         {951782400, "\x17\x0d" "000229000000Z"}}));
    Bytes out;
    der::put_time(out, t);
    CHECK(std::string(as_chars(out)) == text);
    CHECK(der::time_size(t) == out.size());
}
