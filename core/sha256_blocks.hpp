// SHA-256's compression function, twice: portable C++ and, on x86-64 CPUs that have them, the
// SHA extensions (SHA-NI), about 4x faster. Internal to core/; exposed for the test that checks
// one against the other.
#pragma once

#include <cstdint>

namespace tanda::sha256_blocks {

// Each hashes one 64-byte block into `state`.
void portable(std::uint32_t state[8], const std::uint8_t* block);
void accelerated(std::uint32_t state[8], const std::uint8_t* block);

// Whether accelerated() may be called on this CPU (checked once).
bool accelerated_available();

}  // namespace tanda::sha256_blocks
