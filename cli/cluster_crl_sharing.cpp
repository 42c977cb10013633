#include "cli/cluster_crl_sharing.hpp"

#include <cstdlib>

namespace tanda::cli {
namespace {

// Keys are [-/_=.a-zA-Z0-9]; a CA's name need not be.
std::string ca_key(const std::string& ca) { return "crl." + to_hex(as_bytes(ca)); }

}  // namespace

std::size_t crl_chunk_bytes() {
    if (const char* v = std::getenv("TANDA_TEST_CRL_CHUNK_BYTES"); v != nullptr && *v != '\0') {
        return static_cast<std::size_t>(std::strtoull(v, nullptr, 10));
    }
    return 256 * 1024;
}

ClusterCrlSharing::ClusterCrlSharing(cluster::JournalStream& stream,
                                     const cluster::ClusterOptions& options, Logger& logger,
                                     std::size_t chunk_bytes)
    : leases_bucket_(stream, options.stream + "_CRL_LEASES", options.crl_lease),
      crls_bucket_(stream, options.stream + "_CRLS", std::chrono::milliseconds(0)),
      lease_(leases_bucket_, options.node, options.crl_lease, logger),
      crls_(crls_bucket_, chunk_bytes) {}

bool ClusterCrlSharing::publishes(const std::string& ca) { return lease_.held(ca_key(ca)); }

Result<void> ClusterCrlSharing::share(const std::string& ca, bool delta, std::uint64_t number,
                                      std::uint64_t covered_seq, ByteView der) {
    return crls_.put(ca_key(ca) + (delta ? ".delta" : ".full"), number, covered_seq, der);
}

Result<std::optional<crl::SharedCrl>> ClusterCrlSharing::newer(const std::string& ca, bool delta,
                                                               std::uint64_t after) {
    auto file = crls_.newer(ca_key(ca) + (delta ? ".delta" : ".full"), after);
    if (!file) return tl::unexpected(file.error());
    if (!*file) return std::nullopt;
    return crl::SharedCrl{(*file)->number, (*file)->tag, std::move((*file)->data)};
}

}  // namespace tanda::cli
