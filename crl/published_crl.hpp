// One CRL as served: immutable DER plus what HTTP caching needs. Shared between the publisher
// that made it and every response that sends it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "core/bytes.hpp"
#include "core/clock.hpp"
#include "core/shared_bytes.hpp"

namespace tanda::crl {

struct PublishedCrl {
    SharedBytes der;                   // in memory, or the CRL file mapped
    std::string etag;                  // strong validator: CRL numbers are never reused
    std::uint64_t number = 0;
    std::optional<std::uint64_t> delta_base;  // set for delta CRLs
    UnixSeconds this_update = 0;
    UnixSeconds next_update = 0;
    // Every journal entry with seq <= this is reflected in this CRL. For a CRL served from disk
    // at start the stored base's seq: a lower bound for a delta CRL.
    std::uint64_t covered_seq = 0;
    // When this process served it: at generation, or this_update for a CRL found on disk.
    UnixSeconds published_at = 0;
    std::size_t entries = 0;
    double generation_seconds = 0;  // 0 for a CRL found on disk
};

// A CRL as served from now on; `base` is set for a delta CRL.
inline std::shared_ptr<PublishedCrl> make_published_crl(SharedBytes der, std::uint64_t number,
                                                        std::optional<std::uint64_t> base,
                                                        UnixSeconds this_update,
                                                        UnixSeconds next_update,
                                                        std::uint64_t covered_seq) {
    auto p = std::make_shared<PublishedCrl>();
    p->der = std::move(der);
    p->etag = "\"" + std::to_string(number) + (base ? "d" : "f") + "\"";
    p->number = number;
    p->delta_base = base;
    p->this_update = this_update;
    p->next_update = next_update;
    p->covered_seq = covered_seq;
    p->published_at = this_update;
    return p;
}

}  // namespace tanda::crl
