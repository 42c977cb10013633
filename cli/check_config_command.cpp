// `tanda check-config FILE`: the schema, then every file and key the config names.
#include <cstdio>

#include "ca/ca_registry.hpp"
#include "cli/admin_tls.hpp"
#include "cli/commands.hpp"
#include "cli/help.hpp"

namespace tanda::cli {
namespace {

constexpr const char* kCheckHelp = R"(Usage: tanda check-config FILE

Validates FILE: YAML syntax, known keys, value types and ranges, then for each CA that its
certificate and key files are readable (a PKCS#11 key: the token opens, the PIN from its
pin-source logs in and the key is found), the key matches the signer certificate, and the signer
may sign OCSP responses for the issuer (the CA itself, or a certificate the CA issued with
extended key usage OCSPSigning), that the admin listener's certificate and key (a file or a
PKCS#11 URI) load and match, and that no private key file (signer_key, crl.signing_key,
admin server_key) is accessible by group or others or owned by another user than the one
running the check or root (a warning only with security.insecure_key_permissions: warn).
Prints every problem as file:line: message.

Exit codes: 0 valid, 78 invalid, 2 bad usage.
)";

}  // namespace

int check_config_command(const Argv& argv) {
    if (wants_help(argv, kCheckHelp)) return kExitOk;
    if (argv.size() != 1 || argv[0].rfind("--", 0) == 0) {
        return usage_error("check-config takes exactly one FILE", kCheckHelp);
    }
    auto cfg = load_config_or_report(argv[0]);
    if (!cfg) return kExitConfig;
    const bool keys_ok = key_files_acceptable(*cfg, nullptr);
    auto cas = ca::load_cas(cfg->cas);
    if (!cas) {
        for (const auto& p : cas.error()) std::fprintf(stderr, "%s\n", p.c_str());
        return kExitConfig;
    }
    if (!keys_ok) return kExitConfig;
    if (cfg->admin.enabled) {
        // The listener's own context: certificate chain, key (file or token) and their match.
        if (auto tls = make_admin_tls_context(cfg->admin); !tls) {
            std::fprintf(stderr, "%s: %s\n", argv[0].c_str(), tls.error().message.c_str());
            return kExitConfig;
        }
    }
    for (const auto& ca : cas->cas()) {
        std::printf("CA %s: issuer \"%s\", signed by %s (%s)%s\n", ca.options.name.c_str(),
                    ca.issuer.subject().c_str(),
                    ca.signer.delegated() ? "a delegated OCSP signer" : "the CA key",
                    ca.signer.certificate().subject().c_str(),
                    ca.signer.key_on_token() ? ", key on a PKCS#11 token" : "");
    }
    std::printf("%s: OK\n", argv[0].c_str());
    return kExitOk;
}

}  // namespace tanda::cli
