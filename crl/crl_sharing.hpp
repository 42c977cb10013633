// How the nodes of a cluster share a CA's CRLs (DESIGN.md, "Growing past one machine"): one
// node at a time, the publisher, numbers and signs them; every node serves the publisher's
// bytes, so all serve the same number, bytes and ETag. cli/ adapts cluster/'s lease and shared
// files to this; a single node has none and publishes alone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/bytes.hpp"
#include "core/result.hpp"

namespace tanda::crl {

struct SharedCrl {
    std::uint64_t number = 0;
    std::uint64_t covered_seq = 0;  // every journal entry up to this is in the CRL
    Bytes der;
};

class CrlSharing {
public:
    virtual ~CrlSharing() = default;
    // Whether this node publishes `ca`'s CRLs now (takes the lease when free, renews it).
    virtual bool publishes(const std::string& ca) = 0;
    // Shares a CRL this node signed. ErrorCode::conflict when a CRL of that kind with this
    // number or a higher one is already shared (another publisher got there first).
    [[nodiscard]] virtual Result<void> share(const std::string& ca, bool delta,
                                             std::uint64_t number, std::uint64_t covered_seq,
                                             ByteView der) = 0;
    // The shared CRL of that kind when its number is above `after`.
    [[nodiscard]] virtual Result<std::optional<SharedCrl>> newer(const std::string& ca, bool delta,
                                                                 std::uint64_t after) = 0;
};

}  // namespace tanda::crl
