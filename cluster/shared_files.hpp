// Numbered files every node reads the same bytes of (the CRLs one publisher signs): the newest
// file of each name in a key-value bucket, its number only ever increasing. A file larger than
// one NATS message is cut into chunks under keys of its own number, written before the head
// that names them, so a reader never sees a head without its bytes; the head carries the size
// and SHA-256 of the whole, and a reader checks both.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "cluster/key_value.hpp"
#include "core/bytes.hpp"
#include "core/result.hpp"

namespace tanda::cluster {

struct SharedFile {
    std::uint64_t number = 0;
    std::uint64_t tag = 0;  // the writer's, carried along (the CRL's covered journal seq)
    Bytes data;
};

class SharedFiles {
public:
    // `bucket` must keep its values (no max age) and outlive this.
    SharedFiles(KeyValueBucket& bucket, std::size_t chunk_bytes);

    // Makes `data` the file `name` with `number`. ErrorCode::conflict when `name` already has
    // a number not below `number`, or another writer's head came first.
    [[nodiscard]] Result<void> put(const std::string& name, std::uint64_t number, std::uint64_t tag,
                                   ByteView data);
    // The file `name` when its number is above `after`, else nullopt. ErrorCode::unavailable
    // when its chunks changed while being read (read again later).
    [[nodiscard]] Result<std::optional<SharedFile>> newer(const std::string& name,
                                                          std::uint64_t after);

private:
    struct Head;
    Result<std::optional<Head>> head(const std::string& name);

    KeyValueBucket& bucket_;
    const std::size_t chunk_bytes_;
};

}  // namespace tanda::cluster
