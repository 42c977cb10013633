#include "ocsp/ocsp_service.hpp"

#include "pki/ocsp_request_scan.hpp"

namespace tanda::ocsp {
namespace {

bool cacheable_outcome(Outcome o) {
    return o == Outcome::good || o == Outcome::revoked || o == Outcome::unknown;
}

}  // namespace

OcspService::OcspService(std::shared_ptr<const ca::CaRegistryHolder> cas, const LiveResponder& live,
                         ResponseCache* cache, SigningPool& pool, const Clock& clock)
    : cas_(std::move(cas)), live_(live), cache_(cache), pool_(pool), clock_(clock) {}

OcspService::OcspService(std::shared_ptr<const ca::CaRegistry> cas, const LiveResponder& live,
                         ResponseCache* cache, SigningPool& pool, const Clock& clock)
    : OcspService(std::make_shared<const ca::CaRegistryHolder>(std::move(cas)), live, cache, pool,
                  clock) {}

std::shared_ptr<const ServedAnswer> OcspService::error(Outcome outcome) {
    static const auto kMalformed = make_served(error_answer(Outcome::malformed), {});
    static const auto kUnauthorized = make_served(error_answer(Outcome::unauthorized), {});
    static const auto kTryLater = make_served(error_answer(Outcome::try_later), {});
    static const auto kInternal = make_served(error_answer(Outcome::internal_error), {});
    switch (outcome) {
        case Outcome::malformed: return kMalformed;
        case Outcome::unauthorized: return kUnauthorized;
        case Outcome::try_later: return kTryLater;
        default: return kInternal;
    }
}

void OcspService::watch(storage::RevocationIndex& index) {
    if (cache_ == nullptr) return;
    index.add_commit_observer([cache = cache_](std::span<const storage::CommittedChange> changes) {
        for (const auto& c : changes) cache->invalidate(CacheKey(c.issuer, c.serial.bytes()));
    });
}

bool OcspService::shareable(const ca::ServedCa& ca, std::size_t cert_count, bool has_nonce) {
    if (cert_count != 1) return false;
    if (ca.options.nonce_policy == ca::NoncePolicy::require) return false;
    return !has_nonce || ca.options.nonce_policy == ca::NoncePolicy::ignore;
}

void OcspService::respond(ByteView der, Done done) const {
    const UnixSeconds now = clock_.now();
    const std::shared_ptr<const ca::CaRegistry> cas = cas_->snapshot();
    // The common shapes (one CertID, perhaps a nonce) are read without OpenSSL's decoder, and a
    // cache hit is served on the scanner's views without copying the request.
    if (auto view = pki::scan_simple_ocsp_request(der)) {
        const ca::ServedCa* ca = cas->find(view->hash, view->name_hash, view->key_hash);
        if (ca == nullptr) return done(error(Outcome::unauthorized));
        std::optional<CacheKey> key;
        if (cache_ != nullptr && shareable(*ca, 1, view->nonce.has_value())) {
            key.emplace(ca->issuer_id, view->serial);
            if (auto hit = cache_->find(*key, view->cert_id_der, now)) {
                if (now >= hit->refresh_at && !hit->refreshing.exchange(true)) {
                    // Re-sign in the background, on the pool: this request is served the
                    // current answer. (A nonce only gets here when the CA ignores nonces.)
                    sign(pki::to_request(*view), key, false,
                         [hit](auto) { hit->refreshing = false; });
                }
                return done(std::move(hit));
            }
        }
        return sign(pki::to_request(*view), key, ca->signer.signs_quickly(), std::move(done));
    }
    auto request = pki::parse_ocsp_request(der, {cas->max_certids()});
    if (!request) return done(error(Outcome::malformed));
    std::optional<CacheKey> key;
    const auto& first = request->certs.front();
    const ca::ServedCa* ca = first.hash ? cas->find(*first.hash, first.name_hash, first.key_hash)
                                    : nullptr;
    if (cache_ != nullptr && ca != nullptr &&
        shareable(*ca, request->certs.size(), request->nonce.has_value())) {
        key.emplace(ca->issuer_id, first.serial.bytes());
        if (auto hit = cache_->find(*key, first.cert_id_der, now)) return done(std::move(hit));
    }
    // Without a served CA the answer is an error, which costs nothing to make.
    const bool quick = ca == nullptr || ca->signer.signs_quickly();
    sign(std::move(*request), key, quick, std::move(done));
}

void OcspService::sign(pki::OcspRequest request, std::optional<CacheKey> key, bool here,
                       Done done) const {
    // Read before the storage lookup so an invalidation in between refuses the insert, and
    // before live_ takes its registry snapshot so a reload's clear() refuses old signatures.
    const std::uint64_t generation = key ? cache_->generation(*key) : 0;
    auto task = [this, request = std::move(request), key, generation, done]() {
        OcspAnswer answer = live_.respond(request);
        auto served = make_served(std::move(answer), request.certs.front().cert_id_der);
        if (key && !served->answer.has_nonce && cacheable_outcome(served->answer.outcome)) {
            cache_->insert(*key, served, generation);
        }
        done(std::move(served));
    };
    if (here && pool_.try_run_here(task)) return;
    if (!pool_.try_submit(std::move(task))) done(error(Outcome::try_later));
}

}  // namespace tanda::ocsp
