// Options of the public listener's OCSP path as read from the config (the `responder` section):
// config/ fills them, ocsp/ applies them.
#pragma once

#include <cstddef>
#include <string>

namespace tanda::ocsp {

// Options of the public listener's OCSP routes.
struct OcspOptions {
    std::string path_prefix;  // e.g. "/ocsp": also served there, besides "/"
    std::size_t cache_entries = 100000;  // signed answers kept in memory; 0 disables the cache
    unsigned signing_threads = 0;        // live signing threads; 0 = one per core
    std::size_t signing_queue = 256;     // requests waiting for a signer; beyond: tryLater
    unsigned presign_rate = 500;         // pre-signatures per second, all CAs together
};

}  // namespace tanda::ocsp
