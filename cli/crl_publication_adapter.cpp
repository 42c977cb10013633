#include "cli/crl_publication_adapter.hpp"

namespace tanda::cli {
namespace {

admin::IssuedCrl issued(const crl::PublishedCrl& c) {
    return {c.number, c.this_update, c.next_update};
}

}  // namespace

std::optional<admin::CrlPublication> CrlPublicationAdapter::published_after(
    std::string_view ca, std::uint64_t seq) const {
    std::optional<admin::CrlPublication> first;
    for (bool delta : {false, true}) {
        auto crl = crls_.find(ca, delta);
        if (!crl || crl->covered_seq < seq) continue;
        if (!first || crl->published_at < first->published_at ||
            (crl->published_at == first->published_at && crl->number < first->crl_number)) {
            first = admin::CrlPublication{crl->number, crl->published_at};
        }
    }
    return first;
}

Result<std::optional<admin::CrlGeneration>> CrlPublicationAdapter::reissue(std::string_view ca) {
    crl::CrlPublisher* publisher = crls_.publisher(ca);
    if (publisher == nullptr) return std::optional<admin::CrlGeneration>();
    if (auto r = publisher->publish_full(); !r) return tl::unexpected(r.error());
    // Read back what was served; another generation may have followed, which is as new.
    auto full = publisher->full();
    if (!full) return fail(ErrorCode::internal, "no CRL served after generation");
    admin::CrlGeneration g;
    g.ca = std::string(ca);
    g.full = issued(*full);
    if (auto delta = publisher->delta()) {
        g.delta = issued(*delta);
        g.delta_base = delta->delta_base;
    }
    return std::optional<admin::CrlGeneration>(std::move(g));
}

Result<admin::CrlImported> CrlPublicationAdapter::import_crl(std::string_view ca, ByteView der,
                                                             const storage::Provenance& why) {
    auto done = crls_.import_crl(ca, der, why);
    if (!done) return tl::unexpected(done.error());
    admin::CrlImported out;
    out.ca = std::string(ca);
    out.crl = {done->number, done->this_update, done->next_update};
    out.delta_base = done->delta_base;
    out.entries = done->entries;
    out.revoked = done->revoked;
    out.released = done->released;
    out.unchanged = done->unchanged;
    out.kept_expired = done->kept_expired;
    return out;
}

}  // namespace tanda::cli
