// The OCSP decision and signing path, independent of HTTP: DER request in, DER response out.
// Layers (a response cache, a bounded signing pool) wrap OcspSource without touching HTTP.
#pragma once

#include <memory>

#include "ca/ca_registry.hpp"
#include "ca/ca_registry_holder.hpp"
#include "core/clock.hpp"
#include "core/logger.hpp"
#include "core/metrics.hpp"
#include "ocsp/ocsp_answer.hpp"
#include "pki/ocsp_request.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::ocsp {

// The narrow interface HTTP handlers know (Boulder's "source"). Thread-safe.
class OcspSource {
public:
    virtual ~OcspSource() = default;
    virtual OcspAnswer respond(ByteView request_der) const = 0;
};

// Looks every CertID up in storage, applies the CA's policies and signs a fresh response.
class LiveResponder final : public OcspSource {
public:
    // All references must outlive the responder. Each answer is built from one snapshot of
    // `cas`, taken when respond() starts (a reload swaps the registry between answers).
    LiveResponder(std::shared_ptr<const ca::CaRegistryHolder> cas,
                  const storage::RevocationIndex& index, const Clock& clock, Logger& logger);
    // Serves `cas` for ever (no reload).
    LiveResponder(std::shared_ptr<const ca::CaRegistry> cas, const storage::RevocationIndex& index,
                  const Clock& clock, Logger& logger);

    OcspAnswer respond(ByteView request_der) const override;
    // The same, for an already decoded request (used by caching layers).
    OcspAnswer respond(const pki::OcspRequest& request) const;

    // Counts every signature made, labelled (ca, algorithm). Call before serving.
    void count_signatures(metrics::Family<metrics::Counter>& family) { signatures_ = &family; }

private:
    std::shared_ptr<const ca::CaRegistryHolder> cas_;
    const storage::RevocationIndex& index_;
    const Clock& clock_;
    Logger& logger_;
    metrics::Family<metrics::Counter>* signatures_ = nullptr;
};

// The unsigned answer for an OCSP error status.
OcspAnswer error_answer(Outcome outcome);

}  // namespace tanda::ocsp
