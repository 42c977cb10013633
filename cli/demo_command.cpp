// `tanda demo`: a self-contained demo CA, delegated OCSP signer and three leaves in one
// directory, imported and served on loopback, with the commands to query it.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "admin/importer.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/demo_admin.hpp"
#include "cli/help.hpp"
#include "core/time_format.hpp"
#include "pki/certificate_factory.hpp"

namespace tanda::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDemoHelp = R"(Usage: tanda demo [--dir DIR] [--port PORT] [--admin-port PORT]
                  [--metrics-port PORT]

Creates in DIR (default ./tanda-demo) a demo ECDSA P-256 CA, a delegated OCSP signer, three
leaf certificates (good.pem, good2.pem and revoked.pem, revoked for keyCompromise), their
index.txt and a tanda.yaml; imports them and serves OCSP on 127.0.0.1:PORT (default 8080)
until SIGTERM or Ctrl-C, printing the openssl commands that query it. Running it again on the
same DIR reuses what is there.

It also starts the admin API on https://127.0.0.1:ADMIN-PORT (default 8443; a free port when
--port is 0) with an admin CA, an operator and an auditor client certificate in DIR, and prints
the `tanda admin revoke` command that revokes good.pem.

Prometheus metrics are served on http://127.0.0.1:METRICS-PORT/metrics (default 9102; a free
port when --port is 0), and readiness on http://127.0.0.1:PORT/readyz.

Exit codes: 0 after a clean stop, 1 on a failure, 2 on bad usage, 78 on a bad generated config.
)";

constexpr std::int64_t kDay = 86400;

struct DemoLeaf {
    const char* file;
    const char* cn;
    const char* serial_hex;
    bool revoked;
};
constexpr DemoLeaf kLeaves[] = {
    {"good.pem", "Budi Santoso", "1001", false},
    {"good2.pem", "Siti Rahayu", "1002", false},
    {"revoked.pem", "Agus Wijaya", "1003", true},
};

std::string asn1_time(UnixSeconds t) {
    // index.txt wants YYMMDDHHMMSSZ; derive it from the RFC 3339 text.
    std::string r = format_rfc3339(t);  // 2026-11-22T03:48:33Z
    return r.substr(2, 2) + r.substr(5, 2) + r.substr(8, 2) + r.substr(11, 2) + r.substr(14, 2) +
           r.substr(17, 2) + "Z";
}

Result<void> write(const fs::path& path, const std::string& text, unsigned mode = 0644) {
    return pki::write_file_atomic(path.string(), text, mode);
}

std::string demo_yaml(unsigned port) {
    std::ostringstream y;
    y << "# Written by `tanda demo`; see config/tanda.example.yaml for every key.\n"
         "listen:\n"
         "  address: 127.0.0.1\n"
         "  port: "
      << port
      << "\n"
         "storage:\n"
         "  path: data\n"
         "  map_size: 64MiB\n"
         "cas:\n"
         "  - name: demo\n"
         "    issuer_certificate: ca.pem\n"
         "    signer_certificate: ocsp.pem\n"
         "    signer_key: ocsp.key\n"
         "    response_validity: 1d\n"
         "    backdate: 5m\n"
         "    approvals: 2          # one operator submits, another approves (the default)\n"
         "    nonce:\n"
         "      policy: echo\n"
         "    crl:\n"
         "      signing_key: ca.key   # CRLs are signed by the CA itself\n"
         "      validity: 7d\n";
    return y.str() + demo_admin_yaml();
}

// The demo leaves (PEM files in `dir`) and the index.txt line of each.
Result<std::string> issue_leaves(const fs::path& dir, unsigned port, UnixSeconds now,
                                 const pki::Certificate& ca, const pki::PrivateKey& ca_key) {
    using namespace pki;
    const std::string url = "http://127.0.0.1:" + std::to_string(port);
    std::string index;
    for (const auto& leaf : kLeaves) {
        auto key = generate_key(KeyType::ec_p256);
        if (!key) return tl::unexpected(key.error());
        CertificateSpec spec{std::string("CN=") + leaf.cn + ",O=Tanda Demo,C=ID",
                             *Serial::from_hex(leaf.serial_hex), now - kDay, now + 365 * kDay,
                             Profile::leaf, url};
        auto cert = issue_certificate(spec, *key, &ca, ca_key);
        if (!cert) return tl::unexpected(cert.error());
        if (auto ok = write(dir / leaf.file, cert->pem()); !ok) return tl::unexpected(ok.error());
        index += std::string(leaf.revoked ? "R" : "V") + "\t" + asn1_time(cert->not_after()) +
                 "\t" + (leaf.revoked ? asn1_time(now - 3600) + ",keyCompromise" : "") + "\t" +
                 leaf.serial_hex + "\tunknown\t/C=ID/O=Tanda Demo/CN=" + leaf.cn + "\n";
    }
    return index;
}

// Creates the CA, signer, leaves, index.txt and tanda.yaml. Keys are written 0600.
Result<void> create_demo(const fs::path& dir, unsigned port, UnixSeconds now) {
    using namespace pki;
    auto ca_key = generate_key(KeyType::ec_p256);
    if (!ca_key) return tl::unexpected(ca_key.error());
    CertificateSpec ca_spec{"CN=Tanda Demo CA,O=Tanda Demo,C=ID", *Serial::from_hex("01"),
                            now - kDay, now + 3650 * kDay, Profile::ca, ""};
    auto ca = issue_certificate(ca_spec, *ca_key, nullptr, *ca_key);
    if (!ca) return tl::unexpected(ca.error());

    auto ocsp_key = generate_key(KeyType::ec_p256);
    if (!ocsp_key) return tl::unexpected(ocsp_key.error());
    CertificateSpec ocsp_spec{"CN=Tanda Demo OCSP Signer,O=Tanda Demo,C=ID",
                              *Serial::from_hex("02"), now - kDay, now + 365 * kDay,
                              Profile::ocsp_signer, ""};
    auto ocsp = issue_certificate(ocsp_spec, *ocsp_key, &*ca, *ca_key);
    if (!ocsp) return tl::unexpected(ocsp.error());

    auto index = issue_leaves(dir, port, now, *ca, *ca_key);
    if (!index) return tl::unexpected(index.error());
    if (auto ok = create_demo_admin(dir, now); !ok) return ok;  // before tanda.yaml marks it done
    for (auto [name, text, mode] : {std::tuple{"ca.pem", ca->pem(), 0644u},
                                    std::tuple{"ca.key", ca_key->pem(), 0600u},
                                    std::tuple{"ocsp.pem", ocsp->pem(), 0644u},
                                    std::tuple{"ocsp.key", ocsp_key->pem(), 0600u},
                                    std::tuple{"index.txt", *index, 0644u},
                                    std::tuple{"tanda.yaml", demo_yaml(port), 0644u}}) {
        if (auto ok = write(dir / name, text, mode); !ok) return ok;
    }
    return {};
}

Result<void> import_demo(const config::Config& cfg, const fs::path& dir, UnixSeconds now) {
    std::ifstream in(dir / "index.txt");
    auto parsed = admin::parse_index_txt(in);
    if (parsed.problem_count > 0) {
        return fail(ErrorCode::invalid_argument, "index.txt:" +
                                                     std::to_string(parsed.problems[0].line) +
                                                     ": " + parsed.problems[0].message);
    }
    auto issuer = pki::Certificate::load_file((dir / "ca.pem").string());
    if (!issuer) return tl::unexpected(issuer.error());
    auto index = storage::RevocationIndex::open(cfg.storage);
    if (!index) return tl::unexpected(index.error());
    auto id = (*index)->ensure_issuer(issuer->spki_sha256(), "demo");
    if (!id) return tl::unexpected(id.error());
    storage::Provenance why;
    why.source = "import:demo index.txt";
    why.requested_by = "tanda demo";
    auto stats = admin::import_entries(**index, *id, std::move(parsed.entries), why, now, nullptr);
    if (!stats) return tl::unexpected(stats.error());
    return {};
}

void print_instructions(const fs::path& dir, unsigned port) {
    const std::string d = dir.string();
    const std::string url = "http://127.0.0.1:" + std::to_string(port);
    std::printf(
        "\nTanda demo: OCSP responder for \"Tanda Demo CA\" on %s\n"
        "Files in %s (config: %s/tanda.yaml)\n\n"
        "Query the good certificate (expect \"good\" and \"Response verify OK\"):\n"
        "  openssl ocsp -issuer %s/ca.pem -cert %s/good.pem -url %s -CAfile %s/ca.pem -resp_text\n\n"
        "Query the revoked certificate (expect \"revoked\", reason keyCompromise):\n"
        "  openssl ocsp -issuer %s/ca.pem -cert %s/revoked.pem -url %s -CAfile %s/ca.pem -resp_text\n\n"
        "Both at once, with SHA-256 CertIDs and no nonce (openssl wants -sha256 before -cert):\n"
        "  openssl ocsp -issuer %s/ca.pem -sha256 -cert %s/good2.pem -cert %s/revoked.pem -url %s "
        "-CAfile %s/ca.pem -no_nonce -resp_text\n\n",
        url.c_str(), d.c_str(), d.c_str(), d.c_str(), d.c_str(), url.c_str(), d.c_str(),
        d.c_str(), d.c_str(), url.c_str(), d.c_str(), d.c_str(), d.c_str(), d.c_str(),
        url.c_str(), d.c_str());
    std::printf(
        "The CRL is at %s/crl/demo.crl (DER). Download it and verify it against the demo CA\n"
        "(expect \"verify OK\" and serial 1003, keyCompromise):\n"
        "  curl -s %s/crl/demo.crl | openssl crl -inform DER -CAfile %s/ca.pem -noout -verify "
        "-text\n\n"
        "Stop with Ctrl-C.\n\n",
        url.c_str(), url.c_str(), d.c_str());
    std::fflush(stdout);
}

void print_metrics_instructions(unsigned port, unsigned metrics_port) {
    std::printf(
        "Prometheus metrics (OCSP requests by CA and outcome, latency, cache, CRLs, storage):\n"
        "  curl -s http://127.0.0.1:%u/metrics | grep ^tanda_ocsp_requests_total\n"
        "Readiness (storage, signers, CRLs): curl -s http://127.0.0.1:%u/readyz\n\n",
        metrics_port, port);
    std::fflush(stdout);
}

// --port as given, or nullopt when it is not a port number.
std::optional<unsigned> parse_port(const std::string& text) {
    try {
        const unsigned long port = std::stoul(text);
        if (port <= 65535) return static_cast<unsigned>(port);
    } catch (...) {
    }
    return std::nullopt;
}

// --port, --admin-port and --metrics-port over the demo config; with --port 0 (tests, parallel
// demos) the admin and metrics listeners take a free port too.
void apply_ports(const Args& args, unsigned port, config::Config& cfg) {
    if (args.get("port")) cfg.listen.port = static_cast<std::uint16_t>(port);
    const bool any_port = args.get("port") && port == 0;
    if (auto p = args.get("admin-port")) {
        cfg.admin.listen.port = static_cast<std::uint16_t>(std::strtoul(p->c_str(), nullptr, 10));
    } else if (any_port) {
        cfg.admin.listen.port = 0;
    }
    if (auto p = args.get("metrics-port")) {
        cfg.metrics.listen.port =
            static_cast<std::uint16_t>(std::strtoul(p->c_str(), nullptr, 10));
    } else if (any_port) {
        cfg.metrics.listen.port = 0;
    }
}

// The demo directory with its CA and config, created on the first run; false after printing why.
bool prepare_demo_dir(const fs::path& dir, unsigned port, UnixSeconds now) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        std::fprintf(stderr, "tanda: cannot create %s: %s\n", dir.c_str(), ec.message().c_str());
        return false;
    }
    if (fs::exists(dir / "tanda.yaml") && !fs::exists(dir / "operator2.pem")) {
        // Made before dual control: its config has one operator, so the printed approve step
        // could never work. Kept aside, not deleted, and a fresh demo made in its place.
        const fs::path old = dir.string() + ".old-" + std::to_string(now);
        fs::rename(dir, old, ec);
        if (ec) {
            std::fprintf(stderr, "tanda: cannot move the old demo %s aside: %s\n", dir.c_str(),
                         ec.message().c_str());
            return false;
        }
        std::fprintf(stderr, "the demo in %s predates dual control (one operator); moved to %s\n",
                     dir.c_str(), old.c_str());
        fs::create_directories(dir, ec);
    }
    if (fs::exists(dir / "tanda.yaml")) {
        std::fprintf(stderr, "reusing demo CA in %s\n", dir.c_str());
        return true;
    }
    std::fprintf(stderr, "creating demo CA in %s\n", dir.c_str());
    if (auto ok = create_demo(dir, port, now); !ok) {
        std::fprintf(stderr, "tanda: demo setup failed: %s\n", ok.error().message.c_str());
        return false;
    }
    return true;
}

}  // namespace

int demo_command(const Argv& argv) {
    if (wants_help(argv, kDemoHelp)) return kExitOk;
    Args args(argv, {"dir", "port", "admin-port", "metrics-port"}, {});
    if (!args.error().empty()) return usage_error(args.error(), kDemoHelp);
    unsigned port = 8080;
    if (auto p = args.get("port")) {
        auto parsed = parse_port(*p);
        if (!parsed) return usage_error("--port must be 0-65535", kDemoHelp);
        port = *parsed;
    }
    const fs::path dir = fs::absolute(args.get("dir").value_or("tanda-demo"));
    const UnixSeconds now = SystemClock().now();
    if (!prepare_demo_dir(dir, port, now)) return kExitFailure;
    auto cfg = load_config_or_report((dir / "tanda.yaml").string());
    if (!cfg) return kExitConfig;
    apply_ports(args, port, *cfg);
    if (auto ok = import_demo(*cfg, dir, now); !ok) {
        std::fprintf(stderr, "tanda: demo import failed: %s\n", ok.error().message.c_str());
        return kExitFailure;
    }
    Logger logger;
    return run_server(*cfg, logger, [&](const BoundPorts& bound) {
        print_instructions(dir, bound.ocsp);
        if (bound.admin != 0) print_admin_instructions(dir, bound.admin);
        if (bound.metrics != 0) print_metrics_instructions(bound.ocsp, bound.metrics);
    });
}

}  // namespace tanda::cli
