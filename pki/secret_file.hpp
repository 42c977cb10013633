// pki-internal: reading secrets (key files, token PINs) into buffers that are wiped after use.
#pragma once

#include <string>

#include "core/result.hpp"

namespace tanda::pki {

// Wipes a buffer that held key material or a PIN when it goes out of scope.
class Cleanse {
public:
    explicit Cleanse(std::string& text) : text_(text) {}
    ~Cleanse();
    Cleanse(const Cleanse&) = delete;
    Cleanse& operator=(const Cleanse&) = delete;

private:
    std::string& text_;
};

// Reads the regular file `path` (at most 1 MiB) straight into `out`, one buffer the caller
// cleanses: no stream buffers or reallocations leave copies of the secret on the heap.
// ErrorCode::not_found when it does not exist, io otherwise; messages name `path`.
[[nodiscard]] Result<void> read_secret_file(const std::string& path, std::string& out);

}  // namespace tanda::pki
