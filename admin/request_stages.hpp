// The stages of an admin request and the SOP's times between them (issue 21): received,
// approved, applied, visible in OCSP, published in a CRL, holder notified. The request status
// shows each stage's time; a StageObserver is told the seconds a request took to reach a stage
// from the one before, which the CLI binds to the histogram tanda_request_stage_seconds{stage}:
//   approved         from received (a second operator's approval, or the one that scheduled it)
//   applied          from approved, or from its effective_at for a scheduled revocation
//   visible_in_ocsp  from applied: the write's own duration, measured on the node that took it
//                    (the commit observers invalidate cached OCSP answers before it returns)
//   crl_published    from visible in OCSP: the first CRL (complete or delta) that covers the
//                    request's journal entry was served (admin/crl_stages.hpp)
//   notified         from applied: the first webhook target acknowledged its `applied` event
#pragma once

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

// The meta key that keeps the first CRL that covered a request's change:
// "crl_published:<request id>" = "<CRL number> <decimal Unix seconds it was published>".
std::string crl_published_key(std::string_view request_id);
std::string encode_crl_stage(const CrlPublication& crl);
// nullopt when `value` is not two decimal numbers.
std::optional<CrlPublication> decode_crl_stage(std::string_view value);

}  // namespace tanda::admin
