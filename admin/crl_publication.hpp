// What the admin API needs to know from a CRL publisher, to say whether a request's change is in
// a published CRL. The CRL publisher (responder/) implements it; cli/ wires the two, so admin/
// does not depend on responder/. Without one, the API answers `published_in_crl: null`.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/clock.hpp"

namespace tanda::admin {

struct CrlPublication {
    std::uint64_t crl_number = 0;
    UnixSeconds published_at = 0;
};

class CrlPublicationSource {
public:
    virtual ~CrlPublicationSource() = default;
    // The first CRL of `ca` published after journal entry `seq` was applied (so it reflects it),
    // or nullopt when none has been yet. Thread-safe, quick.
    virtual std::optional<CrlPublication> published_after(std::string_view ca,
                                                          std::uint64_t seq) const = 0;
};

}  // namespace tanda::admin
