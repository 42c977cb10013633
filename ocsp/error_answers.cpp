#include "ocsp/error_answers.hpp"

#include "pki/ocsp_response.hpp"

namespace tanda::ocsp {
namespace {

std::shared_ptr<const ServedAnswer> make_error(Outcome outcome, pki::OcspError status) {
    const ByteView der = pki::error_response(status);
    ResponseContent answer;
    answer.der = std::make_shared<const Bytes>(der.begin(), der.end());
    answer.outcome = outcome;
    return make_served(std::move(answer), {});
}

}  // namespace

std::shared_ptr<const ServedAnswer> error_answer(Outcome outcome) {
    static const auto kMalformed = make_error(Outcome::malformed, pki::OcspError::malformed_request);
    static const auto kUnauthorized = make_error(Outcome::unauthorized, pki::OcspError::unauthorized);
    static const auto kTryLater = make_error(Outcome::try_later, pki::OcspError::try_later);
    static const auto kSigRequired =
        make_error(Outcome::sig_required, pki::OcspError::sig_required);
    static const auto kInternal =
        make_error(Outcome::internal_error, pki::OcspError::internal_error);
    switch (outcome) {
        case Outcome::malformed: return kMalformed;
        case Outcome::unauthorized: return kUnauthorized;
        case Outcome::try_later: return kTryLater;
        case Outcome::sig_required: return kSigRequired;
        default: return kInternal;
    }
}

}  // namespace tanda::ocsp
