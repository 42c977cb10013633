// `tanda`: parses the subcommand and hands over; all logic lives in the libraries.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.hpp"
#include "cli/help.hpp"
#include "core/logger.hpp"
#include "http/io_backend.hpp"

namespace {

constexpr const char* kUsage = R"(tanda: OCSP and CRL responder

Usage: tanda <command> [options]

Commands:
  serve         run the responder                        (tanda serve --config FILE)
  demo          create a demo CA and serve it on loopback (tanda demo [--dir DIR] [--port N])
  import        register certificates from index.txt or certificate files
  check-config  validate a configuration file and the files it names
  crl           generate CRLs now      (tanda crl generate --config FILE [--ca NAME]),
                or import an offline CA's (tanda crl import --config FILE --ca NAME --file CRL)
  admin         revoke, release, register, crl-generate, show, request, journal, verify (admin API)
  verify        prove offline that the index is the fold of its journal (tanda verify --config FILE)
  cluster       start a cluster from this index, or copy it for a new node (init, snapshot)

'tanda <command> --help' describes each command.
)";

// Before a serving command opens anything: the io_uring build takes over this process when
// TANDA_IO_BACKEND allows it and it can run here (http/io_backend.hpp). Returns the exit code
// of a refusal, or nullopt to serve from this binary.
std::optional<int> exec_preferred_io_backend(char** argv) {
    using namespace tanda;
    const char* value = std::getenv("TANDA_IO_BACKEND");
    auto request = http::parse_io_backend_request(value);
    if (!request) {
        std::fprintf(stderr, "tanda: TANDA_IO_BACKEND must be auto, epoll or io_uring, not '%s'\n",
                     value);
        return cli::kExitConfig;
    }
    auto choice = http::choose_io_backend(*request, http::io_backend(),
                                          [argv] { return http::exec_io_uring_build(argv); });
    if (!choice.serve_here) {
        std::fprintf(stderr, "tanda: TANDA_IO_BACKEND=io_uring, but %s\n",
                     choice.why_not_io_uring.c_str());
        return cli::kExitFailure;
    }
    if (!choice.why_not_io_uring.empty()) {
        Logger().info("serving on epoll, not io_uring", {{"reason", choice.why_not_io_uring}});
    }
    return std::nullopt;
}

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
    // A peer that closes a socket Tanda writes to (an HSM reached through p11-kit's remoting, a
    // webhook receiver, a NATS server) must give an error, not kill the process with SIGPIPE:
    // relying parties soft-fail when the responder stops answering.
    std::signal(SIGPIPE, SIG_IGN);
    std::string command = args[0];
    args.erase(args.begin());
    if ((command == "serve" || command == "demo") && !asks_for_help(args)) {
        if (auto refused = exec_preferred_io_backend(argv)) return *refused;
    }
    try {
        if (command == "serve") return serve_command(args);
        if (command == "demo") return demo_command(args);
        if (command == "import") return import_command(args);
        if (command == "check-config") return check_config_command(args);
        if (command == "crl") return crl_command(args);
        if (command == "admin") return admin_command(args);
        if (command == "verify") return verify_command(args);
        if (command == "cluster") return cluster_command(args);
    } catch (const std::exception& e) {
        // Say what failed before the server's threads start (for example an io_uring ring the
        // kernel refused after the probe passed) rather than abort.
        std::string error = e.what();
        if (tanda::http::io_backend() == "io_uring") {
            error += " (TANDA_IO_BACKEND=epoll serves without io_uring)";
        }
        tanda::Logger().error("stopped by an unexpected error", {{"error", error}});
        return kExitFailure;
    }
    std::fprintf(stderr, "tanda: unknown command '%s'\nRun 'tanda --help' for usage.\n",
                 command.c_str());
    return kExitUsage;
}
