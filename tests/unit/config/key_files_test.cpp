#include "config/key_files.hpp"

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include <catch2/catch.hpp>

#include "tests/support/temp_dir.hpp"

using namespace tanda;

namespace {

std::string make_file(const test::TempDir& dir, const std::string& name, unsigned mode) {
    const std::string path = (dir.path() / name).string();
    std::ofstream(path) << "-----BEGIN PRIVATE KEY-----\n";
    REQUIRE(::chmod(path.c_str(), mode) == 0);
    return path;
}

std::string config_text(const std::string& dir, const std::string& security) {
    return "storage:\n  path: data\n"
           "cas:\n"
           "  - name: one\n"
           "    issuer_certificate: ca.pem\n"
           "    signer_key: " + dir + "/signer.key\n"
           "    crl:\n"
           "      signing_key: " + dir + "/ca.key\n"
           "  - name: two\n"
           "    issuer_certificate: ca.pem\n"
           "    signer_key: " + dir + "/signer.key\n" +
           security;
}

}  // namespace

TEST_CASE("key files: the owner, and tanda's own group for reading (root:tanda 0640)",
          "[config]") {
    test::TempDir dir;
    const unsigned me = static_cast<unsigned>(::geteuid());
    auto [mode, safe] = GENERATE(table<unsigned, bool>({{0600, true},
                                                        {0400, true},
                                                        {0700, true},
                                                        {0640, true},
                                                        {0440, true},
                                                        {0660, false},
                                                        {0650, false},
                                                        {0604, false},
                                                        {0620, false},
                                                        {0644, false},
                                                        {0666, false}}));
    const auto path = make_file(dir, "k.key", mode);
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    // The file's group is the process's group here, as with chgrp tanda under systemd.
    auto problem = config::key_file_problem(path, me, static_cast<unsigned>(st.st_gid));
    CAPTURE(mode);
    CHECK(problem.has_value() == !safe);
    if (problem) {
        CHECK_THAT(*problem, Catch::Contains("accessible by others or writable by group") &&
                                 Catch::Contains("chmod 600 it, or chgrp it to tanda's group") &&
                                 Catch::Contains("chmod 640 it"));
    }
}

TEST_CASE("key files: group read by a group other than tanda's is refused", "[config]") {
    test::TempDir dir;
    const auto path = make_file(dir, "k.key", 0640);
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    const unsigned other = static_cast<unsigned>(st.st_gid) + 1;
    auto problem = config::key_file_problem(path, static_cast<unsigned>(::geteuid()), other);
    REQUIRE(problem);
    CHECK_THAT(*problem, Catch::Contains("is readable by group") &&
                             Catch::Contains("gid " + std::to_string(st.st_gid)) &&
                             Catch::Contains("(mode 0640), not tanda's own group") &&
                             Catch::Contains("gid " + std::to_string(other)));
    REQUIRE(::chmod(path.c_str(), 0600) == 0);
    CHECK_FALSE(config::key_file_problem(path, static_cast<unsigned>(::geteuid()), other));
}

TEST_CASE("key files: owned by another user is refused, by root accepted", "[config]") {
    test::TempDir dir;
    const auto path = make_file(dir, "k.key", 0600);
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    if (st.st_uid == 0) {
        // Running as root (CI): give the file to nobody, then run "as root" and "as nobody".
        REQUIRE(::chown(path.c_str(), 65534, static_cast<gid_t>(-1)) == 0);
        auto problem = config::key_file_problem(path, 0, 0);
        REQUIRE(problem);
        CHECK_THAT(*problem, Catch::Contains("owned by uid 65534"));
        CHECK_FALSE(config::key_file_problem(path, 65534, 0));
    } else {
        // The file is ours: a process running as someone else must refuse it.
        auto problem = config::key_file_problem(path, st.st_uid + 1, st.st_gid);
        REQUIRE(problem);
        CHECK_THAT(*problem, Catch::Contains("owned by uid " + std::to_string(st.st_uid)) &&
                                 Catch::Contains("chown"));
        CHECK_FALSE(config::key_file_problem(path, st.st_uid, st.st_gid));
    }
    CHECK_FALSE(config::key_file_problem((dir.path() / "missing.key").string(), 0, 0));
}

TEST_CASE("key files: every key the config names is checked at its line", "[config]") {
    test::TempDir dir;
    const std::string d = dir.path().string();
    make_file(dir, "signer.key", 0644);
    make_file(dir, "ca.key", 0600);
    auto c = config::parse_config(config_text(d, ""), "/etc/tanda/tanda.yaml");
    REQUIRE(c);
    CHECK(c->security.insecure_key_permissions == config::KeyPermissionPolicy::refuse);
    REQUIRE(c->key_files.size() == 2);  // signer.key named twice is listed once
    CHECK(c->key_files[0].what == "CA 'one' signer_key");
    CHECK(c->key_files[1].what == "CA 'one' crl.signing_key");
    auto problems = config::check_key_files(*c);
    REQUIRE(problems.size() == 1);
    const unsigned gid = static_cast<unsigned>(::getegid());
    const struct group* g = ::getgrgid(gid);
    const std::string number = "gid " + std::to_string(gid);
    const std::string group = g ? "'" + std::string(g->gr_name) + "' (" + number + ")" : number;
    CHECK(problems[0].to_string() ==
          "/etc/tanda/tanda.yaml:6: CA 'one' signer_key '" + d +
              "/signer.key' is accessible by others or writable by group (mode 0644): chmod 600 "
              "it, or chgrp it to tanda's group " + group + " and chmod 640 it (or set "
              "security.insecure_key_permissions: warn)");
    REQUIRE(::chmod((d + "/signer.key").c_str(), 0600) == 0);
    CHECK(config::check_key_files(*c).empty());
}

TEST_CASE("key files: security.insecure_key_permissions", "[config]") {
    test::TempDir dir;
    const std::string d = dir.path().string();
    auto c = config::parse_config(
        config_text(d, "security:\n  insecure_key_permissions: warn\n"), "/x.yaml");
    REQUIRE(c);
    CHECK(c->security.insecure_key_permissions == config::KeyPermissionPolicy::warn);
    auto bad = config::parse_config(
        config_text(d, "security:\n  insecure_key_permissions: ignore\n  other: 1\n"), "/x.yaml");
    REQUIRE_FALSE(bad);
    std::string all;
    for (const auto& p : bad.error()) all += p.to_string() + "\n";
    CHECK_THAT(all, Catch::Contains("/x.yaml:13: 'insecure_key_permissions' must be one of "
                                    "refuse, warn, not 'ignore'"));
    CHECK_THAT(all, Catch::Contains("other"));
}
