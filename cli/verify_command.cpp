// `tanda verify --config FILE`: offline proof that the index is the fold of its journal, run
// against the index read-only so it is safe next to a running `tanda serve`.
#include <cstdio>
#include <optional>
#include <string>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/help.hpp"
#include "cli/verify_checkpoint.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::cli {
namespace {

constexpr const char* kVerifyHelp =
    R"(Usage: tanda verify --config FILE [--checkpoint FILE [--checkpoint-cert PEM]]

Opens the index at FILE's storage.path READ-ONLY and proves that it is the fold of its
journal: first the hash chain from seq 1 to the recorded head, then the refold, which replays
every journal entry into memory and compares every stored record with it byte for byte, both
ways (a record missing, one no entry wrote, or a field that differs). Safe while tanda serve
runs: it takes no writer lock and writes nothing (it uses one reader slot). The refold holds
every record in memory: about the records' size plus ~100 bytes each.

With --checkpoint, also proves that the history up to a signed checkpoint (a
checkpoint-<seq>.p7s file that tanda serve wrote) was not rewritten: the file must be a CMS
SignedData by the checkpoint certificate (--checkpoint-cert, else the config's
checkpoint.certificate), and once the hash chain verifies, the journal entry at the
checkpoint's seq must have exactly the hash it signs.

Exit codes: 0 intact, 1 a record differs from the journal (the first difference is printed:
CA, serial, field, the journal seq that last set the record), 3 the hash chain is broken (the
first bad seq is printed), 4 the checkpoint is not one signed by the checkpoint certificate,
5 the journal disagrees with the checkpoint (history rewritten), 74 the index, checkpoint or
certificate cannot be read, 78 invalid config, 2 bad usage.
)";

// --checkpoint FILE and the certificate it is checked against.
struct CheckpointArgs {
    std::string file;
    std::string certificate;
};

constexpr int kExitRecordsDiffer = 1;
constexpr int kExitChainBroken = 3;
constexpr int kExitIoError = 74;  // EX_IOERR

// The name the index keeps for an issuer id (the CA's name when it was first served).
std::string issuer_name(const storage::RevocationIndex& index, storage::IssuerId id) {
    auto issuers = index.issuers();
    if (!issuers) return "";
    for (const auto& info : *issuers) {
        if (info.id == id) return info.name;
    }
    return "";
}

int report_difference(const storage::RevocationIndex& index, const storage::RecordDifference& d) {
    const bool whole = d.field == "missing" || d.field == "extra";
    const std::string what = whole ? "record " + d.field : "field " + d.field + " differs";
    std::printf(
        "MISMATCH: the records are not the fold of the journal\n"
        "  first difference: CA %s (issuer id %u), serial %s, %s; last set by journal seq %llu\n",
        issuer_name(index, d.issuer).c_str(), d.issuer, d.serial.to_hex().c_str(), what.c_str(),
        static_cast<unsigned long long>(d.journal_seq));
    return kExitRecordsDiffer;
}

int verify_index(const storage::RevocationIndex& index,
                 const std::optional<CheckpointArgs>& checkpoint) {
    auto bad = index.verify_journal();
    if (!bad) {
        std::fprintf(stderr, "tanda verify: %s\n", bad.error().message.c_str());
        return kExitIoError;
    }
    if (*bad) {
        std::printf("BROKEN: the journal's hash chain is broken at seq %llu\n",
                    static_cast<unsigned long long>(**bad));
        return kExitChainBroken;
    }
    if (checkpoint) {
        if (auto stop = verify_checkpoint(index, checkpoint->file, checkpoint->certificate)) {
            return *stop;
        }
    }
    auto diff = index.verify_records();
    if (!diff) {
        std::fprintf(stderr, "tanda verify: %s\n", diff.error().message.c_str());
        return kExitIoError;
    }
    if (*diff) return report_difference(index, **diff);
    auto stats = index.stats();
    std::printf("OK: hash chain intact, %llu records equal the refold of %llu journal entries\n",
                static_cast<unsigned long long>(stats ? stats->records : 0),
                static_cast<unsigned long long>(stats ? stats->journal_entries : 0));
    return kExitOk;
}

}  // namespace

int verify_command(const Argv& argv) {
    if (wants_help(argv, kVerifyHelp)) return kExitOk;
    Args args(argv, {"config", "checkpoint", "checkpoint-cert"}, {});
    if (!args.error().empty()) return usage_error(args.error(), kVerifyHelp);
    if (!args.has("config")) return usage_error("verify needs --config FILE", kVerifyHelp);
    auto cfg = load_config_or_report(*args.get("config"));
    if (!cfg) return kExitConfig;
    std::optional<CheckpointArgs> checkpoint;
    if (args.has("checkpoint")) {
        auto cert = args.get("checkpoint-cert").value_or(cfg->checkpoint.certificate);
        if (cert.empty()) {
            return usage_error("--checkpoint needs --checkpoint-cert or checkpoint.certificate",
                               kVerifyHelp);
        }
        checkpoint = CheckpointArgs{*args.get("checkpoint"), cert};
    } else if (args.has("checkpoint-cert")) {
        return usage_error("--checkpoint-cert goes with --checkpoint FILE", kVerifyHelp);
    }
    auto index = storage::RevocationIndex::open_read_only(cfg->storage);
    if (!index) {
        std::fprintf(stderr, "tanda verify: %s\n", index.error().message.c_str());
        return kExitIoError;
    }
    return verify_index(**index, checkpoint);
}

}  // namespace tanda::cli
