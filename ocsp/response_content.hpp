// What an OCSP answer is: the OCSPResponse DER and what it says (outcome, CA, times), for headers,
// caching and metrics. A ServedAnswer (response_cache.hpp) wraps one with what serving it needs.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/clock.hpp"

namespace tanda::ocsp {

enum class Outcome {
    good,
    revoked,
    unknown,
    unauthorized,
    malformed,
    try_later,
    internal_error,
    sig_required,
};
std::string_view outcome_name(Outcome outcome) noexcept;

struct ResponseContent {
    std::shared_ptr<const Bytes> der;  // the OCSPResponse; never null
    Outcome outcome = Outcome::internal_error;
    std::string ca_name;  // empty when no served CA was identified (owned: CAs may be reloaded)
    // For successful responses: RFC 5019 caching. 0 for errors.
    UnixSeconds produced_at = 0;
    UnixSeconds this_update = 0;
    UnixSeconds next_update = 0;
    bool has_nonce = false;  // a nonce-bearing answer is never cacheable
};

}  // namespace tanda::ocsp
