// The YAML config (`tanda serve`, `tanda check-config`): hand-written text whose mistakes must
// come back as a list of file:line problems, never as a crash or an exception escaping yaml-cpp.
// Properties checked on every input (parsed from memory with parse_config(), no temp files):
//  - no crash, leak, uncaught exception or sanitizer report;
//  - every problem names the config file, a line within it (0 for the whole file) and a message;
//  - an accepted config has what serving needs: a storage path and state dir (absolute), at least
//    one CA, each with a name and absolute certificate and key paths, and sane listener limits;
//    an enabled admin API has absolute TLS file paths and at least one role.
#include <algorithm>
#include <string>

#include "config/config.hpp"
#include "fuzz/fuzz_check.hpp"

using tanda::fuzz::check;

namespace {

constexpr const char* kPath = "/etc/tanda/tanda.yaml";

bool absolute(const std::string& p) { return !p.empty() && p.front() == '/'; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    auto config = tanda::config::parse_config(text, kPath);
    if (!config) {
        // yaml-cpp breaks lines at "\n", "\r\n" and a lone "\r": count both, an upper bound.
        const int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n') +
                                           std::count(text.begin(), text.end(), '\r')) + 1;
        check(!config.error().empty(), "refused without a problem");
        for (const auto& p : config.error()) {
            check(p.file == kPath, "problem names another file");
            check(p.line >= 0 && p.line <= lines, "problem line out of the file");
            check(!p.message.empty(), "problem without a message");
        }
        return 0;
    }
    const auto& c = *config;
    check(absolute(c.storage.path) && absolute(c.state_dir), "relative storage path accepted");
    check(!c.cas.empty(), "config without CAs accepted");
    for (const auto& ca : c.cas) {
        check(!ca.name.empty(), "CA without a name");
        check(absolute(ca.issuer_certificate) && absolute(ca.signer_key) &&
                  absolute(ca.signer_certificate),
              "CA path not absolute");
        check(ca.max_certids > 0, "max_certids 0 accepted");
        check(ca.nonce_min_length <= ca.nonce_max_length, "nonce length range inverted");
    }
    if (c.admin.enabled) {
        check(absolute(c.admin.server_certificate) && absolute(c.admin.server_key) &&
                  absolute(c.admin.client_ca) && !c.admin.roles.empty(),
              "admin API accepted without its TLS files or roles");
    }
    return 0;
}
