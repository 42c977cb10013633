#include "ocsp/ocsp_get_path.hpp"

#include <catch2/catch.hpp>

#include "core/base64.hpp"

using tanda::Bytes;
using tanda::ocsp::decode_ocsp_get_path;

namespace {

// Bytes whose base64 contains '+', '/' and needs padding: fb ff bf -> "+/+/", plus one byte.
const Bytes kSample = {std::byte{0x30}, std::byte{0xfb}, std::byte{0xff}, std::byte{0xbf},
                       std::byte{0x3e}, std::byte{0x01}, std::byte{0x02}};

}  // namespace

TEST_CASE("GET path decoding accepts what real clients send", "[ocsp_get_path]") {
    const std::string plain = tanda::base64_encode(kSample);
    REQUIRE(plain == "MPv/vz4BAg==");
    auto [label, encoded] = GENERATE(table<const char*, std::string>({
        {"plain base64", "MPv/vz4BAg=="},
        {"leading slash", "/MPv/vz4BAg=="},
        {"doubled slash", "//MPv/vz4BAg=="},
        {"escaped slash and padding", "MPv%2Fvz4BAg%3D%3D"},
        {"lower-case escapes", "MPv%2fvz4BAg%3d%3d"},
        {"escaped plus", "MPv%2Fvz4BAg=="},
        {"missing padding", "MPv/vz4BAg"},
        {"base64url", "MPv_vz4BAg"},
        {"line break left in", "MPv/vz4B%0AAg=="},
    }));
    INFO(label);
    auto decoded = decode_ocsp_get_path(encoded);
    REQUIRE(decoded);
    CHECK(*decoded == kSample);
}

TEST_CASE("GET path decoding turns a space back into '+'", "[ocsp_get_path]") {
    const Bytes plus = {std::byte{0xfb}, std::byte{0xef}, std::byte{0xbe}};  // "++++"
    REQUIRE(tanda::base64_encode(plus) == "++++");
    CHECK(decode_ocsp_get_path("+ %20+") == plus);
    CHECK(decode_ocsp_get_path("-%2B--") == plus);
}

TEST_CASE("GET path decoding refuses what is not base64", "[ocsp_get_path]") {
    auto encoded = GENERATE(as<std::string>{}, "", "/", "M", "MPv!vz4B", "MPv%2", "MPv%zzvz",
                            "MP=v", "MPv/vz4BAg===");
    INFO(encoded);
    CHECK_FALSE(decode_ocsp_get_path(encoded));
}
