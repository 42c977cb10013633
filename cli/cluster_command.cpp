// `tanda cluster init|snapshot`: moving a single node into a new cluster stream, and the
// consistent copy of a node's index that another node starts from.
#include <cstdio>
#include <filesystem>
#include <string>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/help.hpp"
#include "cluster/journal_stream.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::cli {
namespace {

constexpr const char* kClusterHelp = R"(Usage: tanda cluster init --config FILE
       tanda cluster snapshot --config FILE --out DIR

init: makes the existing index at FILE's storage.path the start of the cluster named by FILE's
`cluster` section. The stream (cluster.stream) must be new or empty; it is created with
cluster.replicas replicas. The index keeps its journal, hashes and request ids; the stream
continues them. Start `tanda serve` on this node, then give every other node a snapshot.

snapshot: writes a consistent, compacted copy of the index into DIR (created; must not exist
or be empty), with the stream sequence it has applied. Safe while tanda serve runs (one read
transaction). A node whose storage.path is that copy joins the cluster and applies the stream
from there on. A node with an empty index can also join a stream that started empty.

Exit codes: 0 done, 1 refused (the stream is not empty, the index already belongs to a
stream, DIR is not empty), 74 the index or DIR cannot be read or written, 69 the NATS servers
cannot be reached, 78 invalid config, 2 bad usage.
)";

constexpr int kExitRefused = 1;
constexpr int kExitUnavailable = 69;  // EX_UNAVAILABLE
constexpr int kExitIoError = 74;      // EX_IOERR

int init(const config::Config& cfg) {
    if (!cfg.cluster.enabled) {
        std::fprintf(stderr, "tanda: %s has no 'cluster' section\n", cfg.path.c_str());
        return kExitConfig;
    }
    auto index = storage::RevocationIndex::open(cfg.storage);
    if (!index) {
        std::fprintf(stderr, "tanda: %s\n", index.error().message.c_str());
        return kExitIoError;
    }
    auto applied = (*index)->applied_stream_position();
    auto head = (*index)->journal_head();
    if (!applied || !head) {
        std::fprintf(stderr, "tanda: cannot read the index\n");
        return kExitIoError;
    }
    if (applied->seq != 0) {
        std::fprintf(stderr,
                     "tanda: the index already applied stream sequence %llu; it is a "
                     "cluster node\n",
                     static_cast<unsigned long long>(applied->seq));
        return kExitRefused;
    }
    auto stream = cluster::JournalStream::open(cfg.cluster);
    auto last =
        stream ? (*stream)->last_seq() : Result<std::uint64_t>(tl::unexpected(stream.error()));
    if (!last) {
        std::fprintf(stderr, "tanda: %s\n", last.error().message.c_str());
        return kExitUnavailable;
    }
    if (*last != 0) {
        std::fprintf(stderr,
                     "tanda: stream %s already holds %llu entries; start this node from "
                     "a `tanda cluster snapshot` of a node of it instead\n",
                     cfg.cluster.stream.c_str(), static_cast<unsigned long long>(*last));
        return kExitRefused;
    }
    std::printf(
        "stream %s is ready; it continues this index's journal at seq %llu (head %s).\n"
        "Start tanda serve here, then start the other nodes from `tanda cluster "
        "snapshot`.\n",
        cfg.cluster.stream.c_str(), static_cast<unsigned long long>(head->seq),
        to_hex(head->hash).c_str());
    return kExitOk;
}

int snapshot(const config::Config& cfg, const std::string& out) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::exists(out, ec) && !fs::is_empty(out, ec)) {
        std::fprintf(stderr, "tanda: %s is not empty\n", out.c_str());
        return kExitRefused;
    }
    fs::create_directories(out, ec);
    if (!ec) fs::permissions(out, fs::perms::owner_all, fs::perm_options::replace, ec);
    if (ec) {
        std::fprintf(stderr, "tanda: create %s: %s\n", out.c_str(), ec.message().c_str());
        return kExitIoError;
    }
    auto index = storage::RevocationIndex::open_read_only(cfg.storage);
    if (!index) {
        std::fprintf(stderr, "tanda: %s\n", index.error().message.c_str());
        return kExitIoError;
    }
    if (auto copied = (*index)->copy_to(out); !copied) {
        std::fprintf(stderr, "tanda: %s\n", copied.error().message.c_str());
        return kExitIoError;
    }
    // Read back from the copy, so the figures are the copy's, not the live index's.
    storage::Options copy_options = cfg.storage;
    copy_options.path = out;
    index->reset();
    auto copy = storage::RevocationIndex::open_read_only(copy_options);
    auto applied = copy ? (*copy)->applied_stream_seq() : Result<std::uint64_t>(0);
    auto head = copy ? (*copy)->journal_head() : Result<storage::JournalHead>{};
    if (!copy || !applied || !head) {
        std::fprintf(stderr, "tanda: the copy in %s cannot be read\n", out.c_str());
        return kExitIoError;
    }
    std::printf("snapshot in %s: stream sequence %llu applied, journal seq %llu (head %s)\n",
                out.c_str(), static_cast<unsigned long long>(*applied),
                static_cast<unsigned long long>(head->seq), to_hex(head->hash).c_str());
    return kExitOk;
}

}  // namespace

int cluster_command(const Argv& argv) {
    if (wants_help(argv, kClusterHelp)) return kExitOk;
    if (argv.empty() || (argv[0] != "init" && argv[0] != "snapshot")) {
        return usage_error("cluster needs init or snapshot", kClusterHelp);
    }
    const std::string sub = argv[0];
    Args args(Argv(argv.begin() + 1, argv.end()), {"config", "out"}, {});
    if (!args.error().empty()) return usage_error(args.error(), kClusterHelp);
    if (!args.has("config")) return usage_error("cluster needs --config FILE", kClusterHelp);
    if (sub == "snapshot" && !args.has("out")) {
        return usage_error("cluster snapshot needs --out DIR", kClusterHelp);
    }
    auto cfg = load_config_or_report(*args.get("config"));
    if (!cfg) return kExitConfig;
    return sub == "init" ? init(*cfg) : snapshot(*cfg, *args.get("out"));
}

}  // namespace tanda::cli
