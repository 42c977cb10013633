// `tanda`: parses the subcommand and hands over; all logic lives in the libraries.
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.hpp"
#include "cli/help.hpp"
#include "cli/io_backend.hpp"
#include "core/logger.hpp"

namespace {

constexpr const char* kUsage = R"(tanda: OCSP and CRL responder

Usage: tanda <command> [options]

Commands:
  serve         run the responder                        (tanda serve --config FILE)
  demo          create a demo CA and serve it on loopback (tanda demo [--dir DIR] [--port N])
  import        register certificates from index.txt or certificate files
  check-config  validate a configuration file and the files it names
  crl           generate CRLs now      (tanda crl generate --config FILE [--ca NAME])
  admin         revoke, release, register, crl-generate, show, request, journal, verify (admin API)

'tanda <command> --help' describes each command.
)";

}  // namespace

int main(int argc, char** argv) {
    using namespace tanda::cli;
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        std::fputs(kUsage, args.empty() ? stderr : stdout);
        return args.empty() ? kExitUsage : kExitOk;
    }
    if (args[0] == "--version") {
        std::puts("tanda " TANDA_VERSION);
        return kExitOk;
    }
    std::string command = args[0];
    args.erase(args.begin());
    if ((command == "serve" || command == "demo") && !asks_for_help(args)) {
        // Before anything is opened: the io_uring build takes over this process (io_backend.hpp).
        if (auto refused = exec_preferred_io_backend(argv)) return *refused;
    }
    try {
        if (command == "serve") return serve_command(args);
        if (command == "demo") return demo_command(args);
        if (command == "import") return import_command(args);
        if (command == "check-config") return check_config_command(args);
        if (command == "crl") return crl_command(args);
        if (command == "admin") return admin_command(args);
    } catch (const std::exception& e) {
        // Say what failed before the server's threads start (for example an io_uring ring the
        // kernel refused after the probe passed) rather than abort.
        std::string error = e.what();
        if (io_backend() == "io_uring") {
            error += " (TANDA_IO_BACKEND=epoll serves without io_uring)";
        }
        tanda::Logger().error("stopped by an unexpected error", {{"error", error}});
        return kExitFailure;
    }
    std::fprintf(stderr, "tanda: unknown command '%s'\n\n%s", command.c_str(), kUsage);
    return kExitUsage;
}
