// SHA-256 (FIPS 180-4) in plain C++, for the journal's hash chain: storage/ must not depend on
// OpenSSL, and the chain must be verifiable with nothing but the standard library.
#pragma once

#include <array>
#include <cstdint>

#include "core/bytes.hpp"

namespace tanda {

using Sha256Digest = std::array<std::byte, 32>;

class Sha256 {
public:
    Sha256();
    void update(ByteView data);
    Sha256Digest finish();  // the object must not be used afterwards

    static Sha256Digest digest(ByteView data) {
        Sha256 h;
        h.update(data);
        return h.finish();
    }

private:
    void block(const std::uint8_t* p);
    std::array<std::uint32_t, 8> state_;
    std::array<std::uint8_t, 64> buffer_{};
    std::size_t buffered_ = 0;
    std::uint64_t length_ = 0;
};

}  // namespace tanda
