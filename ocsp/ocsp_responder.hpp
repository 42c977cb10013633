// Live signing, the last step of the OCSP path: looks every CertID of a resolved request up in
// storage, decides each status under the CA's policies and signs a fresh response.
#pragma once

#include <memory>

#include "core/clock.hpp"
#include "core/logger.hpp"
#include "core/metrics.hpp"
#include "ocsp/resolved_request.hpp"
#include "ocsp/response_cache.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::ocsp {

class LiveResponder {
public:
    // All references must outlive the responder. Thread-safe.
    LiveResponder(const storage::RevocationIndex& index, const Clock& clock, Logger& logger);

    // The signed answer (or internal_error when storage or the signer fails). Everything comes
    // from `request`'s snapshot: a concurrent reload never mixes two signers or policies.
    std::shared_ptr<const ServedAnswer> respond(const ResolvedRequest& request) const;

    // Counts every signature made, labelled (ca, algorithm). Call before serving.
    void count_signatures(metrics::Family<metrics::Counter>& family) { signatures_ = &family; }

private:
    const storage::RevocationIndex& index_;
    const Clock& clock_;
    Logger& logger_;
    metrics::Family<metrics::Counter>* signatures_ = nullptr;
};

}  // namespace tanda::ocsp
