// The stages of an admin request and the SOP's times between them (issue 21): received,
// approved, applied, visible in OCSP, published in a CRL, holder notified. The request status
// shows each stage's time; a StageObserver is told the seconds a request took to reach a stage
// from the one before, which the CLI binds to the histogram tanda_request_stage_seconds{stage}:
//   approved         from received (a second operator's approval, or the one that scheduled it)
//   applied          from approved, or from its effective_at for a scheduled revocation
//   visible_in_ocsp  from applied: the write's own duration, measured on the node that took it
//                    (the commit observers invalidate cached OCSP answers before it returns)
//   crl_published    from visible in OCSP: the first CRL (complete or delta) that covers the
//                    request's journal entry was served; journaled as a crl_published entry
//                    (admin/crl_stages.hpp)
//   notified         from applied: the first webhook target acknowledged its `applied` event
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "admin/crl_publication.hpp"

namespace tanda::admin {

// Called from the writing thread; must be thread-safe and quick.
using StageObserver = std::function<void(std::string_view stage, double seconds)>;

// The meta key that keeps when a request's holder was first notified of its application:
// "notified:<request id>" = decimal Unix seconds.
std::string notified_key(std::string_view request_id);

// The meta keys that older versions wrote (read only now: the journal's crl_published entries
// replaced them), per CRL that extended what a CA's CRLs cover, the journal seq it covers up to:
// "crl_cover/<issuer id>/<covered seq, 20 digits>" = "<CRL number> <decimal Unix seconds it was
// published>". The first CRL that covered entry `seq` is the first key at or after
// crl_cover_key(issuer, seq) under crl_cover_prefix(issuer) (first_meta_from).
std::string crl_cover_prefix(std::uint64_t issuer);
std::string crl_cover_key(std::uint64_t issuer, std::uint64_t covered_seq);
std::string encode_crl_stage(const CrlPublication& crl);
// nullopt when `value` is not two decimal numbers.
std::optional<CrlPublication> decode_crl_stage(std::string_view value);

}  // namespace tanda::admin
