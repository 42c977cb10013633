// The jobs only one node of a cluster does at a time, each under a lease in the JetStream
// key-value bucket <stream>_LEASES (values lapse after cluster.crl_lease unless renewed):
// signing a CA's CRLs (crl::CrlSharing, the bytes in the bucket <stream>_CRLS) and delivering
// a webhook target's events (the notifier's delivery gate).
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "cluster/cluster_options.hpp"
#include "cluster/journal_stream.hpp"
#include "cluster/key_value.hpp"
#include "cluster/publisher_lease.hpp"
#include "cluster/shared_files.hpp"
#include "core/logger.hpp"
#include "crl/crl_sharing.hpp"

namespace tanda::cli {

class ClusterCrlSharing final : public crl::CrlSharing {
public:
    // `lease` and `bucket` must outlive this.
    ClusterCrlSharing(cluster::PublisherLease& lease, cluster::KeyValueBucket& bucket,
                      std::size_t chunk_bytes);

    bool publishes(const std::string& ca) override;
    Result<void> share(const std::string& ca, bool delta, std::uint64_t number,
                       std::uint64_t covered_seq, ByteView der) override;
    Result<std::optional<crl::SharedCrl>> newer(const std::string& ca, bool delta,
                                                std::uint64_t after) override;

private:
    cluster::PublisherLease& lease_;
    cluster::SharedFiles crls_;
};

class ClusterJobs {
public:
    // `stream` must outlive this.
    ClusterJobs(cluster::JournalStream& stream, const cluster::ClusterOptions& options,
                Logger& logger);

    crl::CrlSharing& crl_sharing() { return crl_sharing_; }
    // True while this node delivers the events of webhook target `target`.
    std::function<bool()> webhook_gate(const std::string& target);

private:
    cluster::KeyValueBucket leases_bucket_;
    cluster::KeyValueBucket crls_bucket_;
    cluster::PublisherLease lease_;  // after its bucket: released before the bucket goes
    ClusterCrlSharing crl_sharing_;
};

// The CRL chunk size: TANDA_TEST_CRL_CHUNK_BYTES (tests: many chunks from a small CRL), else
// 256 KiB, well below nats-server's default 1 MiB message limit.
std::size_t crl_chunk_bytes();

}  // namespace tanda::cli
