#include "ocsp/ocsp_responder.hpp"

#include "ocsp/error_answers.hpp"
#include "ocsp/signer_probe.hpp"
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
    auto inherited = inherited_revocation(ca, index_);
    if (!inherited) {
        logger_.error("storage lookup of the CA's own certificate failed",
                      {{"ca", ca.options.name}, {"error", inherited.error().message}});
        return error_answer(Outcome::internal_error);
    }
    for (const auto& cert : request.certs) {
        auto record = index_.find(ca.issuer_id, Serial::from_magnitude(cert.serial));
        if (!record) {
            logger_.error("storage lookup failed",
                          {{"ca", ca.options.name}, {"error", record.error().message}});
            return error_answer(Outcome::internal_error);
        }
        auto decided = decide_status(ca, cert.cert_id_der, *record, *inherited, now);
        extras.extended_revoke = extras.extended_revoke || decided.extended_revoke;
        if (decided.outcome == Outcome::revoked ||
            (decided.outcome == Outcome::unknown && overall == Outcome::good)) {
            overall = decided.outcome;
        }
        statuses.push_back(decided.status);
    }

    auto der = ca.signer.sign(statuses, extras, now);
    if (!der) {
        if (failures_) failures_->with({ca.options.name}).inc();
        const bool first = health_.failed(ca.options.name, der.error().message, now);
        if (!ca.signer.key_on_token()) {
            logger_.error("signing failed",
                          {{"ca", ca.options.name}, {"error", der.error().message}});
            return error_answer(Outcome::internal_error);
        }
        // Once per outage: every live answer of the CA fails the same way until it signs again.
        if (first) {
            logger_.error("the signing key's token does not sign; live answers are tryLater",
                          {{"ca", ca.options.name}, {"error", der.error().message}});
        }
        if (on_token_failure) on_token_failure();
        return error_answer(Outcome::try_later);
    }
    health_.succeeded(ca.options.name);
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

std::optional<std::string> LiveResponder::signer_problem(const ca::CaRegistry& cas) const {
    const UnixSeconds now = clock_.now();
    for (const std::string& name : health_.due_for_probe(now, kProbeSeconds)) {
        const ca::ServedCa* ca = cas.find_by_name(name);
        if (ca == nullptr) {
            health_.succeeded(name);  // no longer served
            continue;
        }
        if (auto signed_ = probe_ocsp_signer(*ca, now)) {
            logger_.info("the signer signs again", {{"ca", name}});
            health_.succeeded(name);
        } else {
            health_.failed(name, signed_.error().message, now);
            if (on_token_failure && ca->signer.key_on_token()) on_token_failure();
        }
    }
    return health_.problem();
}

}  // namespace tanda::ocsp
