#include "cli/cluster_jobs.hpp"

#include <cstdlib>

namespace tanda::cli {
namespace {

// Keys are [-/_=.a-zA-Z0-9]; names in the config need not be.
std::string key_of(std::string_view kind, const std::string& name) {
    return std::string(kind) + "." + to_hex(as_bytes(name));
}

}  // namespace

std::size_t crl_chunk_bytes() {
    if (const char* v = std::getenv("TANDA_TEST_CRL_CHUNK_BYTES"); v != nullptr && *v != '\0') {
        return static_cast<std::size_t>(std::strtoull(v, nullptr, 10));
    }
    return 256 * 1024;
}

ClusterCrlSharing::ClusterCrlSharing(cluster::PublisherLease& lease,
                                     cluster::KeyValueBucket& bucket, std::size_t chunk_bytes)
    : lease_(lease), crls_(bucket, chunk_bytes) {}

bool ClusterCrlSharing::publishes(const std::string& ca) { return lease_.held(key_of("crl", ca)); }

Result<void> ClusterCrlSharing::share(const std::string& ca, bool delta, std::uint64_t number,
                                      std::uint64_t covered_seq, ByteView der) {
    return crls_.put(key_of("crl", ca) + (delta ? ".delta" : ".full"), number, covered_seq, der);
}

Result<std::optional<crl::SharedCrl>> ClusterCrlSharing::newer(const std::string& ca, bool delta,
                                                               std::uint64_t after) {
    auto file = crls_.newer(key_of("crl", ca) + (delta ? ".delta" : ".full"), after);
    if (!file) return tl::unexpected(file.error());
    if (!*file) return std::nullopt;
    return crl::SharedCrl{(*file)->number, (*file)->tag, std::move((*file)->data)};
}

ClusterJobs::ClusterJobs(cluster::JournalStream& stream, const cluster::ClusterOptions& options,
                         Logger& logger)
    : leases_bucket_(stream, options.stream + "_LEASES", options.crl_lease),
      crls_bucket_(stream, options.stream + "_CRLS", std::chrono::milliseconds(0)),
      lease_(leases_bucket_, options.node, options.crl_lease, logger),
      crl_sharing_(lease_, crls_bucket_, crl_chunk_bytes()) {}

std::function<bool()> ClusterJobs::webhook_gate(const std::string& target) {
    return [this, key = key_of("notify", target)] { return lease_.held(key); };
}

}  // namespace tanda::cli
