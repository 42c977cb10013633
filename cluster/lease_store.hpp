// Where PublisherLease keeps its leases: one value per job, written only with a check of what
// is there, lapsing a fixed time after its last write. KeyValueBucket is the real one; unit
// tests use a map in memory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/bytes.hpp"
#include "core/result.hpp"

namespace tanda::cluster {

struct KeyValueEntry {
    Bytes value;
    std::uint64_t revision = 0;  // the stream sequence that stored it
};

class LeaseStore {
public:
    virtual ~LeaseStore() = default;
    // nullopt when the key has no value (never written, deleted or lapsed).
    [[nodiscard]] virtual Result<std::optional<KeyValueEntry>> get(const std::string& key) = 0;
    // Writes only when the key has no value, else ErrorCode::conflict.
    [[nodiscard]] virtual Result<std::uint64_t> create(const std::string& key, ByteView value) = 0;
    // Writes only when the key's revision is still `last`, else ErrorCode::conflict.
    [[nodiscard]] virtual Result<std::uint64_t> update(const std::string& key, ByteView value,
                                                       std::uint64_t last) = 0;
    [[nodiscard]] virtual Result<void> erase(const std::string& key) = 0;
    // Anything else that fails (no quorum, no connection): ErrorCode::unavailable.
};

}  // namespace tanda::cluster
