// `tanda import`: registers a CA's certificates from an OpenSSL index.txt and/or files, and
// the last CRL number it used.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "admin/importer.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/help.hpp"
#include "cli/cluster_attach.hpp"
#include "cli/import_crl_number.hpp"
#include "crl/crl_continuity.hpp"

namespace tanda::cli {
namespace {

constexpr const char* kImportHelp = R"(Usage: tanda import --config FILE --ca NAME [--index INDEX.TXT] [--certs DIR] [--tmp-dir DIR]
                    [--crl-number N | --crlnumber-file FILE | --last-crl FILE]

Registers the certificates of CA NAME in the revocation index, so OCSP can answer for them:
  --index INDEX.TXT  an OpenSSL CA database (V, R and E lines; revocation time and reason)
  --certs DIR        every PEM or DER certificate file in DIR that CA NAME issued
Every line and file is validated first; if anything is wrong, each problem is printed with its
line number and nothing is imported. Importing the same data again changes nothing, and an
import never undoes a revocation recorded in Tanda. Each change is a journal entry, committed
in batches of 10000. Memory stays bounded whatever the size: the entries are sorted by serial
through temporary files of 16 MiB each, about the size of the index file in all, in
  --tmp-dir DIR      (default $TMPDIR, else /tmp); removed when the import ends
Progress lines on stderr show the rate and the time left.

A CA that published CRLs before Tanda tells it the last CRL number it used; Tanda's next CRL
gets a greater number (RFC 5280 5.2.3). Numbers already above it are kept.
  --crl-number N         the last CRL number the CA used (decimal)
  --crlnumber-file FILE  OpenSSL's crlnumber file: the NEXT number, in hex (03E9 means 1001
                         would have been next, so 1000 was the last used)
  --last-crl FILE        the CA's last CRL (PEM or DER); its signature is checked

Exit codes: 0 imported, 1 rejected input or storage failure, 2 bad usage, 78 bad config.
)";

// What the index file and the certificate directory hold (sorted, spilled to temporary files
// beyond a run's size), with how many problems were printed.
struct Collected {
    explicit Collected(std::filesystem::path spill_dir) : entries(std::move(spill_dir)) {}
    admin::EntrySorter entries;
    std::size_t problems = 0;
    std::string source;  // the journal's provenance source, e.g. "import:index.txt,certs/"
};

// "45s" or "3m05s", for the progress lines.
std::string seconds_text(double s) {
    char buf[32];
    const auto whole = static_cast<long long>(s + 0.5);
    if (whole < 60) {
        std::snprintf(buf, sizeof buf, "%llds", whole);
    } else {
        std::snprintf(buf, sizeof buf, "%lldm%02llds", whole / 60, whole % 60);
    }
    return buf;
}

// Prints "what done/total (rate/s, ETA)" at most once a second and at the end.
class ProgressLine {
public:
    explicit ProgressLine(const char* what) : what_(what) {}
    void operator()(std::size_t done, std::size_t total, const char* unit = "") {
        const auto now = std::chrono::steady_clock::now();
        if (done < total && now - last_ < std::chrono::seconds(1)) return;
        last_ = now;
        const double elapsed = std::chrono::duration<double>(now - start_).count();
        const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
        const std::string eta = rate > 0 ? seconds_text(static_cast<double>(total - done) / rate)
                                         : std::string("?");
        std::fprintf(stderr, "%s %zu/%zu%s (%.0f%s/s, %s left)\n", what_, done, total, unit, rate,
                     unit, eta.c_str());
    }

private:
    const char* what_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point last_ = start_;
};

// Parses --index into the sorter, printing each problem as path:line; false when the file
// cannot be read or the entries cannot be spilled.
bool collect_index(const std::string& path, Collected& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "%s: cannot be read\n", path.c_str());
        return false;
    }
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    ProgressLine progress("validated");
    std::size_t lines = 0;
    auto parsed = admin::scan_index_txt(in, [&](const admin::IndexEntry& e) -> Result<void> {
        if (++lines % 65536 == 0 && !ec) {
            const auto at = static_cast<std::size_t>(static_cast<std::streamoff>(in.tellg()));
            progress(at >> 20, size >> 20, " MiB");
        }
        return out.entries.add(e);
    });
    if (!parsed) {
        std::fprintf(stderr, "tanda: %s; nothing was imported\n", parsed.error().message.c_str());
        return false;
    }
    for (const auto& p : parsed->problems) {
        std::fprintf(stderr, "%s:%d: %s\n", path.c_str(), p.line, p.message.c_str());
    }
    if (parsed->problem_count > parsed->problems.size()) {
        std::fprintf(stderr, "%s: ... and %zu more problems\n", path.c_str(),
                     parsed->problem_count - parsed->problems.size());
    }
    out.problems += parsed->problem_count;
    out.source = "import:" + path;
    return true;
}

void collect_certs(const std::string& dir, const pki::Certificate& issuer, Collected& out) {
    auto problems = admin::scan_certificate_dir(
        dir, issuer, [&](const admin::IndexEntry& e) { return out.entries.add(e); });
    for (const auto& p : problems) std::fprintf(stderr, "%s\n", p.c_str());
    out.problems += problems.size();
    out.source += (out.source.empty() ? "import:" : ",") + dir;
}

// The second half of validation, once everything is read: a serial the index file lists twice
// (found by walking the sorted entries). False when the sorted runs cannot be read.
bool check_duplicates(const std::string& index_path, Collected& out) {
    admin::IndexParse found;
    admin::DuplicateSerials duplicates;
    auto walked = out.entries.visit([&](const admin::IndexEntry& e) -> Result<void> {
        duplicates.feed(e, found);
        return {};
    });
    if (!walked) {
        std::fprintf(stderr, "tanda: %s; nothing was imported\n", walked.error().message.c_str());
        return false;
    }
    std::sort(found.problems.begin(), found.problems.end(),
              [](const auto& a, const auto& b) { return a.line < b.line; });
    for (const auto& p : found.problems) {
        std::fprintf(stderr, "%s:%d: %s\n", index_path.c_str(), p.line, p.message.c_str());
    }
    if (found.problem_count > found.problems.size()) {
        std::fprintf(stderr, "%s: ... and %zu more problems\n", index_path.c_str(),
                     found.problem_count - found.problems.size());
    }
    out.problems += found.problem_count;
    return true;
}

// Raises the CA's CRL number counter above `last_used`, printing the outcome.
int import_crl_number(storage::RevocationIndex& index, storage::IssuerId issuer,
                      const ca::CaOptions& ca, std::uint64_t last_used) {
    auto counter = crl::continue_crl_numbers_above(index, issuer, last_used);
    if (!counter) {
        std::fprintf(stderr, "tanda: %s\n", counter.error().message.c_str());
        return kExitFailure;
    }
    std::printf("CA %s: last CRL number used %llu; the next CRL is numbered above %llu\n",
                ca.name.c_str(), static_cast<unsigned long long>(last_used),
                static_cast<unsigned long long>(*counter));
    return kExitOk;
}

// Registers the issuer and commits the entries (admin/importer.hpp) and the CRL number,
// printing the outcome.
int import_into_storage(const config::Config& cfg, const ca::CaOptions& ca,
                        const pki::Certificate& issuer, Collected& collected,
                        std::optional<std::uint64_t> last_crl_number) {
    auto index = storage::RevocationIndex::open(cfg.storage);
    if (!index) {
        std::fprintf(stderr, "tanda: %s\n", index.error().message.c_str());
        return kExitFailure;
    }
    // Cluster mode: the import's writes go through the journal stream like any node's.
    Logger cluster_logger(LogLevel::warn);
    std::optional<Attached> cluster;
    if (cfg.cluster.enabled) {
        auto attached =
            attach_to_cluster(cfg.cluster, **index, cluster_logger, std::chrono::seconds(30));
        if (!attached || attached->behind) {
            std::fprintf(stderr, "tanda: cannot import into the cluster: %s\n",
                         (attached ? *attached->behind : attached.error()).message.c_str());
            return kExitFailure;
        }
        cluster = std::move(*attached);
    }
    auto issuer_id = (*index)->ensure_issuer(issuer.spki_sha256(), ca.name);
    if (!issuer_id) {
        std::fprintf(stderr, "tanda: %s\n", issuer_id.error().message.c_str());
        return kExitFailure;
    }
    if (last_crl_number) {
        if (int rc = import_crl_number(**index, *issuer_id, ca, *last_crl_number); rc != 0) {
            return rc;
        }
    }
    if (collected.source.empty()) return kExitOk;  // only the CRL number
    storage::Provenance provenance;
    provenance.source = collected.source;
    provenance.requested_by = "tanda import";
    ProgressLine line("imported");
    auto progress = [&](std::size_t done, std::size_t total) {
        // Every 10000 entries: the index pages read so far leave this process's memory, which
        // otherwise grows to the index's size on a re-import (every record is read).
        (*index)->release_mapped_pages();
        line(done, total);
    };
    auto stats = admin::import_sorted(**index, *issuer_id, collected.entries, provenance,
                                      SystemClock().now(), progress);
    if (!stats) {
        std::fprintf(stderr, "tanda: import failed: %s\n", stats.error().message.c_str());
        return kExitFailure;
    }
    std::printf("CA %s: %zu certificates, %zu recorded, %zu unchanged, %zu kept revoked; "
                "journal at %llu\n",
                ca.name.c_str(), stats->entries, stats->written, stats->unchanged,
                stats->kept_revoked, static_cast<unsigned long long>(stats->last_seq));
    return kExitOk;
}

}  // namespace

int import_command(const Argv& argv) {
    if (wants_help(argv, kImportHelp)) return kExitOk;
    Args args(argv,
              {"config", "ca", "index", "certs", "tmp-dir", "crl-number", "crlnumber-file", "last-crl"}, {});
    if (!args.error().empty()) return usage_error(args.error(), kImportHelp);
    const bool crl_number = args.has("crl-number") || args.has("crlnumber-file") ||
                            args.has("last-crl");
    if (!args.get("config") || !args.get("ca") ||
        (!args.get("index") && !args.get("certs") && !crl_number)) {
        return usage_error(
            "--config, --ca and --index, --certs or a CRL number option are required",
            kImportHelp);
    }
    auto cfg = load_config_or_report(*args.get("config"));
    if (!cfg) return kExitConfig;
    const ca::CaOptions* ca = nullptr;
    for (const auto& c : cfg->cas) {
        if (c.name == *args.get("ca")) ca = &c;
    }
    if (!ca) {
        std::fprintf(stderr, "tanda: no CA named '%s' in %s\n", args.get("ca")->c_str(),
                     cfg->path.c_str());
        return kExitUsage;
    }
    auto issuer = pki::Certificate::load_file(ca->issuer_certificate);
    if (!issuer) {
        std::fprintf(stderr, "%s: %s\n", ca->location.c_str(), issuer.error().message.c_str());
        return kExitConfig;
    }
    auto last_crl = last_crl_number(args, *issuer);
    if (!last_crl) {
        std::fprintf(stderr, "tanda: %s; nothing was imported\n", last_crl.error().c_str());
        return kExitFailure;
    }
    std::error_code ec;
    auto tmp = std::filesystem::temp_directory_path(ec);
    Collected collected(args.get("tmp-dir") ? std::filesystem::path(*args.get("tmp-dir"))
                        : ec                ? std::filesystem::path("/tmp")
                                            : tmp);
    if (auto path = args.get("index"); path && !collect_index(*path, collected)) {
        return kExitFailure;
    }
    if (auto dir = args.get("certs")) collect_certs(*dir, *issuer, collected);
    if (auto path = args.get("index"); path && !check_duplicates(*path, collected)) {
        return kExitFailure;
    }
    if (collected.problems > 0) {
        std::fprintf(stderr, "tanda: %zu problem(s); nothing was imported\n", collected.problems);
        return kExitFailure;
    }
    return import_into_storage(*cfg, *ca, *issuer, collected, *last_crl);
}

}  // namespace tanda::cli
