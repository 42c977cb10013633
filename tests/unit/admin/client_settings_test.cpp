#include "admin/client_settings.hpp"

#include <map>

#include <catch2/catch.hpp>

using namespace tanda;
using namespace tanda::admin;

TEST_CASE("a profile names the four settings; relative paths are the profile's", "[settings]") {
    auto p = parse_client_profile("# operator A\n"
                                  "url = https://ca.example:8443\n"
                                  "\n"
                                  "  cert=op.pem  \n"
                                  "key = /secure/op.key\r\n"
                                  "cacert = ../admin-ca.pem\n",
                                  "/home/op/tanda/op.profile");
    REQUIRE(p);
    CHECK(p->url == "https://ca.example:8443");
    CHECK(p->cert == "/home/op/tanda/op.pem");
    CHECK(p->key == "/secure/op.key");
    CHECK(p->cacert == "/home/op/tanda/../admin-ca.pem");
    auto partial = parse_client_profile("cert = a.pem", "op.profile");
    REQUIRE(partial);
    CHECK(partial->cert == "a.pem");
    CHECK_FALSE(partial->url);
    CHECK_FALSE(partial->key);
}

TEST_CASE("profile mistakes are refused at their line", "[settings]") {
    auto [text, message] = GENERATE(table<const char*, const char*>({
        {"cert = a.pem\ncertificate = b.pem\n", "/p:2: unknown name 'certificate'"},
        {"cert = a.pem\n\ncert = b.pem\n", "/p:3: 'cert' given twice"},
        {"url https://x\n", "/p:1: expected name = value"},
        {"key =\n", "/p:1: 'key' is empty"},
    }));
    auto p = parse_client_profile(text, "/p");
    REQUIRE_FALSE(p);
    CHECK_THAT(p.error().message, Catch::StartsWith(message));
}

TEST_CASE("flags override the environment, which overrides the profile", "[settings]") {
    const std::map<std::string, std::string> vars = {{"TANDA_ADMIN_CERT", "env.pem"},
                                                     {"TANDA_ADMIN_KEY", "env.key"},
                                                     {"TANDA_ADMIN_URL", ""}};
    auto env = client_settings_from_env([&](const char* name) -> const char* {
        auto it = vars.find(name);
        return it == vars.end() ? nullptr : it->second.c_str();
    });
    CHECK(env.cert == "env.pem");
    CHECK(env.key == "env.key");
    CHECK_FALSE(env.url);  // empty counts as unset
    CHECK_FALSE(env.cacert);
    PartialClientSettings flags;
    flags.cert = "flag.pem";
    PartialClientSettings profile{"https://profile:1", "profile.pem", "profile.key",
                                  "profile-ca.pem"};
    auto s = merge_client_settings(flags, env, profile);
    REQUIRE(s);
    CHECK(s->cert == "flag.pem");
    CHECK(s->key == "env.key");
    CHECK(s->cacert == "profile-ca.pem");
    CHECK(s->url == "https://profile:1");
    profile.url.reset();
    CHECK(merge_client_settings(flags, env, profile)->url == kDefaultAdminUrl);
}

TEST_CASE("a missing credential names every way to give it", "[settings]") {
    PartialClientSettings flags;
    flags.cert = "a.pem";
    flags.key = "a.key";
    auto s = merge_client_settings(flags, {}, {});
    REQUIRE_FALSE(s);
    CHECK(s.error().message ==
          "--cacert FILE is required (or TANDA_ADMIN_CACERT, or 'cacert = FILE' in a --profile)");
}
