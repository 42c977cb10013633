// The stages of an admin request and the SOP's times between them (issue 21): received,
// approved, applied (visible in OCSP when the commit returns), published in a CRL, holder
// notified. The request status shows each stage's time; a StageObserver is told the seconds a
// request took to reach a stage from the one before, which the CLI binds to the histogram
// tanda_request_stage_seconds{stage}:
//   approved  from received (a second operator's approval, or the one that scheduled it)
//   applied   from approved, or from its effective_at for a scheduled revocation
//   notified  from applied: the first webhook target acknowledged its `applied` event
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace tanda::admin {

// Called from the writing thread; must be thread-safe and quick.
using StageObserver = std::function<void(std::string_view stage, double seconds)>;

// The meta key that keeps when a request's holder was first notified of its application:
// "notified:<request id>" = decimal Unix seconds.
std::string notified_key(std::string_view request_id);

}  // namespace tanda::admin
