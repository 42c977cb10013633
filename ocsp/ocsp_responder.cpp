#include "ocsp/ocsp_responder.hpp"

#include <algorithm>

#include "ocsp/single_status.hpp"

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
    }
    return "internal_error";
}

OcspAnswer error_answer(Outcome outcome) {
    pki::OcspError status = pki::OcspError::internal_error;
    if (outcome == Outcome::malformed) status = pki::OcspError::malformed_request;
    if (outcome == Outcome::unauthorized) status = pki::OcspError::unauthorized;
    if (outcome == Outcome::try_later) status = pki::OcspError::try_later;
    static const auto make = [](ByteView b) { return std::make_shared<const Bytes>(b.begin(), b.end()); };
    static const std::shared_ptr<const Bytes> kMalformed =
        make(pki::error_response(pki::OcspError::malformed_request));
    static const std::shared_ptr<const Bytes> kUnauthorized =
        make(pki::error_response(pki::OcspError::unauthorized));
    static const std::shared_ptr<const Bytes> kTryLater =
        make(pki::error_response(pki::OcspError::try_later));
    static const std::shared_ptr<const Bytes> kInternal =
        make(pki::error_response(pki::OcspError::internal_error));
    OcspAnswer a;
    a.outcome = outcome;
    switch (status) {
        case pki::OcspError::malformed_request: a.der = kMalformed; break;
        case pki::OcspError::unauthorized: a.der = kUnauthorized; break;
        case pki::OcspError::try_later: a.der = kTryLater; break;
        default: a.der = kInternal; break;
    }
    return a;
}

LiveResponder::LiveResponder(std::shared_ptr<const ca::CaRegistryHolder> cas,
                             const storage::RevocationIndex& index, const Clock& clock,
                             Logger& logger)
    : cas_(std::move(cas)), index_(index), clock_(clock), logger_(logger) {}

LiveResponder::LiveResponder(std::shared_ptr<const ca::CaRegistry> cas,
                             const storage::RevocationIndex& index, const Clock& clock,
                             Logger& logger)
    : LiveResponder(std::make_shared<const ca::CaRegistryHolder>(std::move(cas)), index, clock,
                    logger) {}

OcspAnswer LiveResponder::respond(ByteView request_der) const {
    auto request = pki::parse_ocsp_request(request_der, {cas_->snapshot()->max_certids()});
    if (!request) return error_answer(Outcome::malformed);
    return respond(*request);
}

OcspAnswer LiveResponder::respond(const pki::OcspRequest& request) const {
    // One response is signed by one key, so every CertID must name the same served CA
    // (RFC 6960 4.2.2.2); a request mixing issuers is answered unauthorized. One snapshot for
    // the whole answer: a concurrent reload never mixes two signers or policies.
    const std::shared_ptr<const ca::CaRegistry> cas = cas_->snapshot();
    const ca::ServedCa* ca = nullptr;
    for (const auto& cert : request.certs) {
        // A hash algorithm we do not accept cannot be matched: the request is malformed for us.
        if (!cert.hash) return error_answer(Outcome::malformed);
        const ca::ServedCa* match = cas->find(*cert.hash, cert.name_hash, cert.key_hash);
        if (!match || (ca && match != ca)) return error_answer(Outcome::unauthorized);
        ca = match;
    }
    const ca::CaOptions& policy = ca->options;
    if (request.certs.size() > policy.max_certids) return error_answer(Outcome::malformed);

    pki::ResponseExtras extras;
    if (policy.nonce_policy != ca::NoncePolicy::ignore) {
        if (request.nonce) {
            // RFC 9654 2.1: a nonce outside the accepted lengths is refused, not ignored.
            auto n = request.nonce->size();
            if (n < policy.nonce_min_length || n > policy.nonce_max_length) {
                return error_answer(Outcome::malformed);
            }
            extras.nonce = request.nonce;
        } else if (policy.nonce_policy == ca::NoncePolicy::require) {
            return error_answer(Outcome::malformed);
        }
    }

    const UnixSeconds now = clock_.now();
    std::vector<pki::SingleStatus> statuses;
    statuses.reserve(request.certs.size());
    Outcome overall = Outcome::good;
    for (const auto& cert : request.certs) {
        auto record = index_.find(ca->issuer_id, cert.serial);
        if (!record) {
            logger_.error("storage lookup failed", {{"ca", policy.name},
                                                    {"error", record.error().message}});
            return error_answer(Outcome::internal_error);
        }
        auto decided = decide_status(*ca, cert, *record, now);
        extras.extended_revoke = extras.extended_revoke || decided.extended_revoke;
        if (decided.outcome == Outcome::revoked ||
            (decided.outcome == Outcome::unknown && overall == Outcome::good)) {
            overall = decided.outcome;
        }
        statuses.push_back(decided.status);
    }

    auto der = ca->signer.sign(statuses, extras, now);
    if (!der) {
        logger_.error("signing failed", {{"ca", policy.name}, {"error", der.error().message}});
        return error_answer(Outcome::internal_error);
    }
    if (signatures_) signatures_->with({policy.name, ca->signer.algorithm()}).inc();
    OcspAnswer answer;
    answer.der = std::make_shared<const Bytes>(std::move(*der));
    answer.outcome = overall;
    answer.ca_name = policy.name;
    answer.produced_at = now;
    answer.this_update = statuses.front().this_update;
    answer.next_update = statuses.front().next_update;
    answer.has_nonce = extras.nonce.has_value();
    return answer;
}

}  // namespace tanda::ocsp
