#include "ocsp/response_content.hpp"

namespace tanda::ocsp {

std::string_view outcome_name(Outcome outcome) noexcept {
    switch (outcome) {
        case Outcome::good: return "good";
        case Outcome::revoked: return "revoked";
        case Outcome::unknown: return "unknown";
        case Outcome::unauthorized: return "unauthorized";
        case Outcome::malformed: return "malformed";
        case Outcome::try_later: return "try_later";
        case Outcome::internal_error: return "internal_error";
        case Outcome::sig_required: return "sig_required";
    }
    return "internal_error";
}

}  // namespace tanda::ocsp
