// crl::CrlSharing on the cluster: the publisher lease of each CA and the CRL bytes in two
// JetStream key-value buckets next to the journal stream, <stream>_CRL_LEASES (values lapse
// after cluster.crl_lease) and <stream>_CRLS (kept).
#pragma once

#include <cstddef>
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
    // `stream` must outlive this. CRLs are cut into chunks of `chunk_bytes` (below NATS's
    // message limit).
    ClusterCrlSharing(cluster::JournalStream& stream, const cluster::ClusterOptions& options,
                      Logger& logger, std::size_t chunk_bytes);

    bool publishes(const std::string& ca) override;
    Result<void> share(const std::string& ca, bool delta, std::uint64_t number,
                       std::uint64_t covered_seq, ByteView der) override;
    Result<std::optional<crl::SharedCrl>> newer(const std::string& ca, bool delta,
                                                std::uint64_t after) override;

private:
    cluster::KeyValueBucket leases_bucket_;
    cluster::KeyValueBucket crls_bucket_;
    cluster::PublisherLease lease_;  // after its bucket: released before the bucket goes
    cluster::SharedFiles crls_;
};

// The chunk size: TANDA_TEST_CRL_CHUNK_BYTES (tests: many chunks from a small CRL), else
// 256 KiB, well below nats-server's default 1 MiB message limit.
std::size_t crl_chunk_bytes();

}  // namespace tanda::cli
