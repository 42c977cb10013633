// Adapts the CRL publishers (crl/) to what the admin API asks of them (admin/): whether a
// journal entry is in a published CRL, and regenerating a CA's CRL on request. Lives in cli/
// because admin/ and crl/ may not depend on each other.
#pragma once

#include "admin/crl_publication.hpp"
#include "crl/crl_service.hpp"

namespace tanda::cli {

// Thread-safe: reads the publishers' current snapshots; reissue() is serialised with the CRL
// thread by the publisher's own lock. `crls` must outlive the adapter.
class CrlPublicationAdapter final : public admin::CrlPublicationSource,
                                    public admin::CrlReissuer {
public:
    explicit CrlPublicationAdapter(crl::CrlService& crls) : crls_(crls) {}

    // The earliest-published of the served complete and delta CRLs that covers `seq`: a delta
    // CRL is published too, relying parties fetch it. Only the CRLs served now are known, so
    // after a later CRL replaces the first one to cover `seq`, that later one is named.
    std::optional<admin::CrlPublication> published_after(std::string_view ca,
                                                         std::uint64_t seq) const override;
    bool publishes(std::string_view ca) const override { return crls_.publisher(ca) != nullptr; }
    Result<std::optional<admin::CrlGeneration>> reissue(std::string_view ca) override;
    // crl::CrlService::import_crl, for the admin API.
    Result<admin::CrlImported> import_crl(std::string_view ca, ByteView der,
                                          const storage::Provenance& why) override;

private:
    crl::CrlService& crls_;
};

}  // namespace tanda::cli
