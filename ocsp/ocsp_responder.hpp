// Live signing, the last step of the OCSP path: looks every CertID of a resolved request up in
// storage, decides each status under the CA's policies and signs a fresh response.
#pragma once

#include <functional>
#include <memory>

#include "core/clock.hpp"
#include "core/logger.hpp"
#include "core/metrics.hpp"
#include "ocsp/resolved_request.hpp"
#include "ocsp/response_cache.hpp"
#include "ocsp/signer_health.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::ocsp {

class LiveResponder {
public:
    // All references must outlive the responder. Thread-safe.
    LiveResponder(const storage::RevocationIndex& index, const Clock& clock, Logger& logger);

    // The signed answer; internal_error when storage or a key file fails, tryLater when a key
    // on a PKCS#11 token fails (the HSM out of reach: ask again later). Everything comes from
    // `request`'s snapshot: a concurrent reload never mixes two signers or policies.
    std::shared_ptr<const ServedAnswer> respond(const ResolvedRequest& request) const;

    // Counts every signature made, labelled (ca, algorithm). Call before serving.
    void count_signatures(metrics::Family<metrics::Counter>& family) { signatures_ = &family; }
    // Counts signing failures, labelled (ca). Call before serving.
    void count_failures(metrics::Family<metrics::Counter>& family) { failures_ = &family; }
    // For /readyz: the first CA whose signer failed and still fails a throwaway signature
    // (tried at most every kProbeSeconds per CA). A node out of the load balancer gets no
    // traffic, so this is how it notices a token that came back.
    std::optional<std::string> signer_problem(const ca::CaRegistry& cas) const;
    static constexpr UnixSeconds kProbeSeconds = 5;
    // Called, on the thread that found it, each time a signing key on a PKCS#11 token fails (a
    // live answer or a probe): the caller reopens the token, at its own pace
    // (ca::RegistryReloader::request_reopen). Must be cheap. Set before serving.
    std::function<void()> on_token_failure;

private:
    const storage::RevocationIndex& index_;
    const Clock& clock_;
    Logger& logger_;
    metrics::Family<metrics::Counter>* signatures_ = nullptr;
    metrics::Family<metrics::Counter>* failures_ = nullptr;
    mutable SignerHealth health_;
};

}  // namespace tanda::ocsp
