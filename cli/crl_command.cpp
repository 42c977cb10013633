// `tanda crl generate`: issues complete (and delta) CRLs now, as the server would, into the
// state directory. Safe while `tanda serve` runs: CRL numbers come from one counter in storage.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "ca/ca_registry.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/crl_import_command.hpp"
#include "cli/help.hpp"
#include "crl/crl_publisher.hpp"

namespace tanda::cli {
namespace {

constexpr const char* kCrlHelp = R"(Usage: tanda crl generate --config FILE [--ca NAME]
       tanda crl import --config FILE --ca NAME --file CRL

generate: issues a new complete CRL for CA NAME (default: every CA that publishes CRLs), and an
empty delta CRL with the same number when delta CRLs are enabled, signed with the CA key
(crl.signing_key), and writes them atomically to the state directory (state_dir, default
<storage.path>/crl) as <ca>.crl and <ca>-delta.crl. Prints one line per CRL. A running
`tanda serve` keeps serving the CRL it made until its own next regeneration.

import: for a CA with crl.source: import (its key is offline), takes a CRL it signed (PEM or
DER, complete or delta), checks its signature, that its number is above every number known and
that its thisUpdate and nextUpdate are sane, records its revocations in the journal (never
undoing one) and installs it as <ca>.crl or <ca>-delta.crl. A running `tanda serve` serves it,
and drops the OCSP answers it cached for what changed, within a second.

Exit codes: 0 generated or imported, 1 failure or refused CRL, 2 bad usage, 78 bad
configuration.
)";

}  // namespace

std::size_t crl_spill_bytes() {
    const char* v = std::getenv("TANDA_TEST_CRL_SPILL_BYTES");
    char* end = nullptr;
    const auto bytes = v == nullptr ? 0 : std::strtoull(v, &end, 10);
    if (bytes == 0 || *end != '\0') return crl::kDefaultSpillBytes;  // unset or not a number
    return static_cast<std::size_t>(bytes);
}

namespace {

// Publishes one CA's complete CRL (and its delta) and prints where they went.
bool generate_for(const ca::ServedCa& ca, storage::RevocationIndex& index,
                  const config::Config& cfg, const Clock& clock, Logger& logger) {
    crl::CrlPublisher publisher(ca, index, cfg.state_dir, clock, logger);
    publisher.set_spill_threshold(crl_spill_bytes());
    publisher.set_release_index_pages(true);
    auto started = std::chrono::steady_clock::now();
    if (auto r = publisher.publish_full(); !r) {
        std::fprintf(stderr, "tanda: %s\n", r.error().message.c_str());
        return false;
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - started).count();
    std::printf("%s: CRL number %llu written to %s (%zu bytes, %lld ms)\n", ca.options.name.c_str(),
                static_cast<unsigned long long>(publisher.full()->number),
                publisher.full_path().c_str(), publisher.full()->der.size(),
                static_cast<long long>(ms));
    if (auto d = publisher.delta()) {
        std::printf("%s: delta CRL number %llu written to %s\n", ca.options.name.c_str(),
                    static_cast<unsigned long long>(d->number), publisher.delta_path().c_str());
    }
    return true;
}

// Every CA that publishes CRLs, or only `wanted`.
int generate_all(const ca::CaRegistry& cas, const std::optional<std::string>& wanted,
                 storage::RevocationIndex& index, const config::Config& cfg, const Clock& clock) {
    std::error_code ec;
    std::filesystem::create_directories(cfg.state_dir, ec);
    Logger logger(LogLevel::warn);
    int generated = 0;
    for (const auto& ca : cas.cas()) {
        if (wanted && ca.options.name != *wanted) continue;
        if (!ca.crl_signer) {
            std::fprintf(
                stderr,
                !ca.options.crl.enabled ? "tanda: CA '%s' does not publish CRLs (crl.enabled)\n"
                : ca.options.crl.source == ca::CrlSource::imported
                    ? "tanda: CA '%s' imports the CRLs its offline key signs (crl import)\n"
                    : "tanda: CA '%s' has no CRL signing key here (crl.signing_key)\n",
                ca.options.name.c_str());
            if (wanted) return kExitUsage;
            continue;
        }
        if (!generate_for(ca, index, cfg, clock, logger)) return kExitFailure;
        ++generated;
    }
    if (wanted && generated == 0) {
        std::fprintf(stderr, "tanda: no CA named '%s' in %s\n", wanted->c_str(), cfg.path.c_str());
        return kExitUsage;
    }
    return kExitOk;
}

}  // namespace

int crl_command(const Argv& argv) {
    if (wants_help(argv, kCrlHelp)) return kExitOk;
    const bool importing = !argv.empty() && argv[0] == "import";
    if (argv.empty() || (argv[0] != "generate" && !importing)) {
        return usage_error("the crl subcommands are 'generate' and 'import'", kCrlHelp);
    }
    Args args(Argv(argv.begin() + 1, argv.end()),
              importing ? std::set<std::string>{"config", "ca", "file"}
                        : std::set<std::string>{"config", "ca"},
              {});
    if (!args.error().empty() || !args.get("config")) {
        return usage_error(args.error().empty() ? "--config FILE is required" : args.error(),
                           kCrlHelp);
    }
    if (importing && (!args.get("ca") || !args.get("file"))) {
        return usage_error("crl import needs --ca NAME and --file CRL", kCrlHelp);
    }
    auto cfg = load_config_or_report(*args.get("config"));
    if (!cfg) return kExitConfig;
    if (!key_files_acceptable(*cfg, nullptr)) return kExitConfig;
    auto loaded = ca::load_cas(cfg->cas);
    if (!loaded) {
        for (const auto& p : loaded.error()) std::fprintf(stderr, "%s\n", p.c_str());
        return kExitConfig;
    }
    auto index = storage::RevocationIndex::open(cfg->storage);
    if (!index) {
        std::fprintf(stderr, "tanda: %s\n", index.error().message.c_str());
        return kExitFailure;
    }
    SystemClock clock;
    if (auto bound = ca::bind_storage(*loaded, **index, clock.now()); !bound) {
        std::fprintf(stderr, "tanda: %s\n", bound.error().message.c_str());
        return kExitFailure;
    }
    if (importing) {
        return import_crl_file(*loaded, **index, *cfg, *args.get("ca"), *args.get("file"));
    }
    return generate_all(*loaded, args.get("ca"), **index, *cfg, clock);
}

}  // namespace tanda::cli
