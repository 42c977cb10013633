// Shared by the config tests: the smallest valid config, and every problem parse_config reports
// for a text, joined for matching.
#pragma once

#include <catch2/catch.hpp>
#include <string>

#include "config/config.hpp"

namespace tanda::test {

// One CA and a storage path: every other setting at its default.
inline const std::string kMinimalConfig = R"(storage:
  path: data
cas:
  - name: demo
    issuer_certificate: ca.pem
    signer_key: ca.key
)";

// The smallest valid admin section: its server files, client CA and one operator.
inline const std::string kMinimalAdmin = R"(admin:
  server_certificate: admin.pem
  server_key: admin.key
  client_ca: clients.pem
  roles:
    - {role: operator, subject: "CN=Op,O=X,C=ID"}
)";

inline std::string problems_of(const std::string& text) {
    auto c = config::parse_config(text, "/etc/tanda/tanda.yaml");
    REQUIRE_FALSE(c);
    std::string all;
    for (const auto& p : c.error()) all += p.to_string() + "\n";
    return all;
}

}  // namespace tanda::test
