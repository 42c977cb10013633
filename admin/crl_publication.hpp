// What the admin API needs from the CRL publisher: whether a request's change is in a published
// CRL, and a way to issue (or import) and serve a new CRL of a CA now (CrlReissuer; not to be
// confused with crl::CrlGenerator, which encodes and signs CRLs for the publisher). The CRL
// publisher (crl/) provides both; cli/ adapts it, so admin/ does not depend on crl/. Without a
// source the API answers `published_in_crl: null`; without a reissuer, POST
// /v1/crls/{ca}/generate and /import are 404.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "storage/revocation_index.hpp"

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
    // Whether `ca` publishes CRLs at all; when not, published_after() never answers.
    virtual bool publishes(std::string_view /*ca*/) const { return true; }
};

struct IssuedCrl {
    std::uint64_t crl_number = 0;
    UnixSeconds this_update = 0;
    UnixSeconds next_update = 0;
};

struct CrlGeneration {
    std::string ca;
    IssuedCrl full;
    // With delta CRLs enabled: the delta issued with it (same number, RFC 5280 5.2.3).
    std::optional<IssuedCrl> delta;
    std::optional<std::uint64_t> delta_base;
};

// A CRL that a CA's offline key signed, imported (crl.source: import, crl/crl_import.hpp).
struct CrlImported {
    std::string ca;
    IssuedCrl crl;
    std::optional<std::uint64_t> delta_base;  // set for a delta CRL
    std::size_t entries = 0;
    std::size_t revoked = 0;   // records revoked or put on hold by it
    std::size_t released = 0;  // holds it lifted
    std::size_t unchanged = 0;
    std::size_t kept_expired = 0;  // holds gone from it after notAfter, kept
};

class CrlReissuer {
public:
    virtual ~CrlReissuer() = default;
    // Checks, records and serves (before returning) a CRL that `ca`'s offline key signed.
    // ErrorCode::invalid_argument: the CRL itself is refused (signature, times, entries);
    // ErrorCode::conflict: its number or base against what is known, or `ca` signs its own.
    [[nodiscard]] virtual Result<CrlImported> import_crl(std::string_view ca, ByteView der,
                                                         const storage::Provenance& why) = 0;
    // Issues a complete CRL of `ca` now (and its delta when enabled) and serves it before
    // returning. nullopt when `ca` does not publish CRLs; an error when generation failed (the
    // CRLs served before stay). Thread-safe; blocks for as long as generation takes.
    [[nodiscard]] virtual Result<std::optional<CrlGeneration>> reissue(std::string_view ca) = 0;
};

}  // namespace tanda::admin
