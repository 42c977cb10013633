#include "config/text_rules.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <regex>
#include <string>

using namespace tanda::config;
using namespace std::string_literals;

TEST_CASE("a CA name is 1-63 of a-z, 0-9, '_', '-', not starting with '_' or '-'") {
    CHECK(is_ca_name("demo"));
    CHECK(is_ca_name("0"));
    CHECK(is_ca_name("ca-2024_root"));
    CHECK(is_ca_name(std::string(63, 'a')));
    CHECK_FALSE(is_ca_name(std::string(64, 'a')));
    CHECK_FALSE(is_ca_name(""));
    CHECK_FALSE(is_ca_name("-ca"));
    CHECK_FALSE(is_ca_name("_ca"));
    CHECK_FALSE(is_ca_name("Demo"));
    CHECK_FALSE(is_ca_name("de mo"));
    CHECK_FALSE(is_ca_name("demo/x"));
    CHECK_FALSE(is_ca_name("demo\n"));
    CHECK_FALSE(is_ca_name("de\0mo"s));
}

TEST_CASE("a path prefix is one or more /segment of URL-safe characters") {
    CHECK(is_path_prefix("/ocsp"));
    CHECK(is_path_prefix("/a/b.c/d_e~f-g"));
    CHECK(is_path_prefix("/O"));
    CHECK_FALSE(is_path_prefix(""));
    CHECK_FALSE(is_path_prefix("/"));
    CHECK_FALSE(is_path_prefix("ocsp"));
    CHECK_FALSE(is_path_prefix("/ocsp/"));
    CHECK_FALSE(is_path_prefix("//ocsp"));
    CHECK_FALSE(is_path_prefix("/a//b"));
    CHECK_FALSE(is_path_prefix("/oc sp"));
    CHECK_FALSE(is_path_prefix("/ocsp?x=1"));
    CHECK_FALSE(is_path_prefix("/%41"));
}

TEST_CASE("hex digits: exactly the count, either case") {
    const std::string lower(64, 'a'), upper(64, 'F'), digits(64, '9');
    CHECK(is_hex_digits(lower, 64));
    CHECK(is_hex_digits(upper, 64));
    CHECK(is_hex_digits(digits, 64));
    CHECK(is_hex_digits("", 0));
    CHECK_FALSE(is_hex_digits(std::string(63, 'a'), 64));
    CHECK_FALSE(is_hex_digits(std::string(65, 'a'), 64));
    CHECK_FALSE(is_hex_digits(std::string(63, 'a') + "g", 64));
    CHECK_FALSE(is_hex_digits(std::string(63, 'a') + " ", 64));
}

TEST_CASE("a URI is scheme://rest with no whitespace in the rest") {
    CHECK(is_uri("http://crl.example/ca.crl"));
    CHECK(is_uri("ldap://dir.example/cn=CA?certificateRevocationList"));
    CHECK(is_uri("svn+ssh.x-y://h"));
    CHECK(is_uri("h://a://b"));
    CHECK_FALSE(is_uri(""));
    CHECK_FALSE(is_uri("http://"));
    CHECK_FALSE(is_uri("://x"));
    CHECK_FALSE(is_uri("1http://x"));
    CHECK_FALSE(is_uri("ht tp://x"));
    CHECK_FALSE(is_uri("http:/x"));
    CHECK_FALSE(is_uri("a:b://x"));  // the scheme ends at the first ':'
    CHECK_FALSE(is_uri("http://crl.example/a b"));
    CHECK_FALSE(is_uri("http://crl.example/\t"));
    CHECK_FALSE(is_uri("http://x\r\n"));
}

// The rules replaced these regexes (std::regex recompiled on every config load); over random
// strings of the characters that matter, both must agree.
TEST_CASE("the rules agree with the regexes they replaced") {
    const std::regex ca_name("[a-z0-9][a-z0-9_-]{0,62}");
    const std::regex prefix("(/[A-Za-z0-9._~-]+)+");
    const std::regex hex64("[0-9A-Fa-f]{64}");
    const std::regex uri("[A-Za-z][A-Za-z0-9+.-]*://[^\\s]+");
    const std::string alphabet = "aZ09_-./~:+ \t\nfG?%";
    std::mt19937 rng(20261130);
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    std::uniform_int_distribution<std::size_t> length(0, 12);
    for (int i = 0; i < 20000; ++i) {
        std::string s;
        for (auto n = length(rng); n > 0; --n) s += alphabet[pick(rng)];
        if (i % 3 == 0) s = "http://" + s;  // reach the URI rule's interesting part
        INFO("'" << s << "'");
        CHECK(is_ca_name(s) == std::regex_match(s, ca_name));
        CHECK(is_path_prefix(s) == std::regex_match(s, prefix));
        CHECK(is_uri(s) == std::regex_match(s, uri));
        const std::string padded = s + std::string(64 - std::min<std::size_t>(s.size(), 64), 'a');
        CHECK(is_hex_digits(padded, 64) == std::regex_match(padded, hex64));
    }
}
