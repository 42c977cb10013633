// The answers for OCSP's error statuses (RFC 6960 4.2.1: malformedRequest, internalError,
// tryLater, sigRequired, unauthorized): unsigned, the same bytes every time, built once.
#pragma once

#include <memory>

#include "ocsp/response_cache.hpp"
#include "ocsp/response_content.hpp"

namespace tanda::ocsp {

// The answer for `outcome` (malformed, unauthorized, try_later, sig_required; anything else is
// internal_error). Shared, never null.
std::shared_ptr<const ServedAnswer> error_answer(Outcome outcome);

}  // namespace tanda::ocsp
