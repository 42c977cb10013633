// Options of the revocation index as read from the config (config/ fills it, storage/ applies
// it); a plain struct, so config/ needs neither LMDB nor the index's interface to fill it.
#pragma once

#include <cstddef>
#include <string>

namespace tanda::storage {

// RevocationIndex::open refuses an empty path and a map_size or max_readers of 0
// (ErrorCode::invalid_argument).
struct Options {
    std::string path;                             // directory; created if missing
    std::size_t map_size = std::size_t{1} << 30;  // bytes; a full map is ErrorCode::storage_full
    unsigned max_readers = 1024;
};

}  // namespace tanda::storage
