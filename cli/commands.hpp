// The subcommands of the `tanda` binary. Each returns the process exit code.
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/logger.hpp"

namespace tanda::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitConfig = 78;  // EX_CONFIG, as systemd and sysexits expect

using Argv = std::vector<std::string>;

int serve_command(const Argv& args);
int demo_command(const Argv& args);
int import_command(const Argv& args);
int check_config_command(const Argv& args);
int crl_command(const Argv& args);
int admin_command(const Argv& args);
int verify_command(const Argv& args);
int cluster_command(const Argv& args);

// The CRL size beyond which generation spills its entries to a file: TANDA_TEST_CRL_SPILL_BYTES,
// for tests that take the streamed path with small CRLs; else crl::kDefaultSpillBytes.
std::size_t crl_spill_bytes();

// Loads the config, printing every problem as file:line; nullopt after printing.
std::optional<config::Config> load_config_or_report(const std::string& path);
// Checks who may read the private key files the config names (config/key_files.hpp) and reports
// each problem, to `logger` when given, else on stderr as file:line: message: an error under
// security.insecure_key_permissions: refuse (the default), a warning under `warn`. Returns false
// when the command must not go on.
bool key_files_acceptable(const config::Config& config, Logger* logger);
// The ports `run_server` bound; 0 for a listener that is not enabled.
struct BoundPorts {
    unsigned short ocsp = 0;
    unsigned short admin = 0;
    unsigned short metrics = 0;
};
// Runs the responder for `config` until SIGINT/SIGTERM; `on_listening` runs once all its
// listeners are bound.
int run_server(const config::Config& config, Logger& logger,
               const std::function<void(const BoundPorts&)>& on_listening);

}  // namespace tanda::cli
