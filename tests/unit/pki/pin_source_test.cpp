#include "pki/pin_source.hpp"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "pki/certificate.hpp"
#include "tests/support/temp_dir.hpp"

using namespace tanda;

namespace {

std::string write(const test::TempDir& dir, const std::string& name, const std::string& text) {
    const std::string path = (dir.path() / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

}  // namespace

TEST_CASE("pin-source file: the file's text without one trailing newline", "[pki][pkcs11]") {
    test::TempDir dir;
    auto [text, pin] = GENERATE(table<std::string, std::string>(
        {{"1234", "1234"}, {"1234\n", "1234"}, {"1234\r\n", "1234"}, {"12 34\n\n", "12 34\n"}}));
    auto read = pki::read_pin("file:" + write(dir, "pin", text));
    REQUIRE(read);
    CHECK(*read == pin);
}

TEST_CASE("pin-source problems name the source, never a PIN", "[pki][pkcs11]") {
    test::TempDir dir;
    auto missing = pki::read_pin("file:" + (dir.path() / "none").string());
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == ErrorCode::not_found);
    CHECK_THAT(missing.error().message, Catch::Contains("none: No such file or directory"));
    auto empty = pki::read_pin("file:" + write(dir, "empty", "\n"));
    REQUIRE_FALSE(empty);
    CHECK_THAT(empty.error().message, Catch::Contains("the PIN is empty"));
}

TEST_CASE("pin-source credential: $CREDENTIALS_DIRECTORY/NAME", "[pki][pkcs11]") {
    test::TempDir dir;
    write(dir, "tanda-pin", "5678\n");
    ::unsetenv("CREDENTIALS_DIRECTORY");
    auto unset = pki::read_pin("credential:tanda-pin");
    REQUIRE_FALSE(unset);
    CHECK(unset.error().code == ErrorCode::config);
    CHECK_THAT(unset.error().message, Catch::Contains("LoadCredential="));
    ::setenv("CREDENTIALS_DIRECTORY", dir.path().c_str(), 1);
    auto read = pki::read_pin("credential:tanda-pin");
    ::unsetenv("CREDENTIALS_DIRECTORY");
    REQUIRE(read);
    CHECK(*read == "5678");
}

TEST_CASE("a key setting that is a bad PKCS#11 URI fails before any token is opened",
          "[pki][pkcs11]") {
    auto key = pki::PrivateKey::load_file("pkcs11:token=tanda;pin-value=1234");
    REQUIRE_FALSE(key);
    CHECK(key.error().code == ErrorCode::config);
    CHECK_THAT(key.error().message, Catch::Contains("pin-value is refused"));
    CHECK_THAT(key.error().message, !Catch::Contains("1234"));
}
