// The process's descriptor limit against the connections its listeners may hold: Debian's
// default soft limit is 1024, well below listen.max_connections' default.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/logger.hpp"

namespace tanda::http {

// Raises the soft RLIMIT_NOFILE to the hard limit, then warns on `logger` when even that is
// below `wanted` descriptors (accepting pauses when the limit is reached). Returns the soft
// limit now in force, nullopt when it is unlimited or cannot be read. Call at start-up, before
// the listeners' threads run.
std::optional<std::uint64_t> raise_descriptor_limit(std::size_t wanted, Logger& logger);

}  // namespace tanda::http
