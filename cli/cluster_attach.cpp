#include "cli/cluster_attach.hpp"

namespace tanda::cli {

Result<Attached> attach_to_cluster(const cluster::ClusterOptions& options,
                                   storage::RevocationIndex& index, Logger& logger,
                                   std::chrono::milliseconds catch_up) {
    auto stream = cluster::JournalStream::open(options);
    if (!stream) return tl::unexpected(stream.error());
    Attached out;
    out.cluster.stream = std::move(*stream);
    out.cluster.node =
        std::make_unique<cluster::ClusterNode>(*out.cluster.stream, index, options, logger);
    index.set_replicator(out.cluster.node.get());
    if (auto caught = out.cluster.node->catch_up(catch_up); !caught) out.behind = caught.error();
    return out;
}

}  // namespace tanda::cli
