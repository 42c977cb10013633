#include "ocsp/ocsp_responder.hpp"

#include "ocsp/error_answers.hpp"
#include "ocsp/single_status.hpp"

namespace tanda::ocsp {

LiveResponder::LiveResponder(const storage::RevocationIndex& index, const Clock& clock,
                             Logger& logger)
    : index_(index), clock_(clock), logger_(logger) {}

std::shared_ptr<const ServedAnswer> LiveResponder::respond(const ResolvedRequest& request) const {
    const ca::ServedCa& ca = *request.ca;
    pki::ResponseExtras extras;
    if (request.nonce) extras.nonce = Bytes(request.nonce->begin(), request.nonce->end());

    const UnixSeconds now = clock_.now();
    std::vector<pki::SingleStatus> statuses;
    statuses.reserve(request.certs.size());
    Outcome overall = Outcome::good;
    for (const auto& cert : request.certs) {
        auto record = index_.find(ca.issuer_id, Serial::from_magnitude(cert.serial));
        if (!record) {
            logger_.error("storage lookup failed", {{"ca", ca.options.name},
                                                    {"error", record.error().message}});
            return error_answer(Outcome::internal_error);
        }
        auto decided = decide_status(ca, cert.cert_id_der, *record, now);
        extras.extended_revoke = extras.extended_revoke || decided.extended_revoke;
        if (decided.outcome == Outcome::revoked ||
            (decided.outcome == Outcome::unknown && overall == Outcome::good)) {
            overall = decided.outcome;
        }
        statuses.push_back(decided.status);
    }

    auto der = ca.signer.sign(statuses, extras, now);
    if (!der) {
        logger_.error("signing failed", {{"ca", ca.options.name}, {"error", der.error().message}});
        return error_answer(Outcome::internal_error);
    }
    if (signatures_) signatures_->with({ca.options.name, ca.signer.algorithm()}).inc();
    ResponseContent answer;
    answer.der = std::make_shared<const Bytes>(std::move(*der));
    answer.outcome = overall;
    answer.ca_name = ca.options.name;
    answer.produced_at = now;
    answer.this_update = statuses.front().this_update;
    answer.next_update = statuses.front().next_update;
    answer.has_nonce = extras.nonce.has_value();
    return make_served(std::move(answer), request.certs.front().cert_id_der);
}

}  // namespace tanda::ocsp
