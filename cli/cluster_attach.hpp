// Attaching a command's index to the cluster (the `cluster` section): `tanda serve` and
// `tanda import` then write through the journal stream and apply what other nodes wrote.
#pragma once

#include <chrono>
#include <memory>

#include "cluster/cluster_node.hpp"
#include "cluster/journal_stream.hpp"
#include "core/logger.hpp"
#include "core/result.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::cli {

struct ClusterAttachment {
    std::unique_ptr<cluster::JournalStream> stream;
    std::unique_ptr<cluster::ClusterNode> node;  // the index's replicator: outlive its writes
};

// Connects, makes the node `index`'s replicator and applies the stream up to its end, waiting
// at most `catch_up`. Only a connection that cannot even be set up is an error; a catch-up that
// does not finish is left in `behind` for the caller to decide on.
struct Attached {
    ClusterAttachment cluster;
    std::optional<Error> behind;
};
Result<Attached> attach_to_cluster(const cluster::ClusterOptions& options,
                                   storage::RevocationIndex& index, Logger& logger,
                                   std::chrono::milliseconds catch_up);

}  // namespace tanda::cli
