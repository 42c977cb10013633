#include "admin/crl_stages.hpp"

#include <algorithm>

namespace tanda::admin {
namespace {

constexpr std::size_t kPage = 1000;

}  // namespace

void CrlStageRecorder::record(storage::IssuerId issuer, const CrlPublication& crl,
                              std::uint64_t after_seq, std::uint64_t covered_seq) {
    std::uint64_t since = after_seq + 1;
    if (covered_seq - after_seq > kScanLimit) since = covered_seq - kScanLimit + 1;
    while (since <= covered_seq) {
        auto page = index_.journal(since, kPage);
        if (!page) {
            logger_.warn("could not read the journal for CRL stage times",
                         {{"error", page.error().message}});
            return;
        }
        if (page->empty()) return;
        for (const auto& e : *page) {
            if (e.seq > covered_seq) return;
            if (e.change.issuer == issuer) record_entry(e, crl);
        }
        since = page->back().seq + 1;
    }
}

void CrlStageRecorder::record_entry(const storage::JournalEntry& e, const CrlPublication& crl) {
    // Imports carry no request id; registrations and audit entries (submitted, scheduled...)
    // change nothing a CRL shows.
    const bool shown = e.change.kind == storage::ChangeKind::revoke ||
                       e.change.kind == storage::ChangeKind::release;
    if (e.provenance.request_id.empty() || !shown) return;
    const std::string key = crl_published_key(e.provenance.request_id);
    auto known = index_.get_meta(key);
    if (!known || *known) return;  // an earlier CRL (or another node's) was first
    if (stages_) {
        stages_("crl_published",
                static_cast<double>(std::max<UnixSeconds>(crl.published_at - e.time, 0)));
    }
    if (auto put = index_.put_meta(key, encode_crl_stage(crl)); !put) {
        logger_.warn("could not record when a request was published in a CRL",
                     {{"request_id", e.provenance.request_id}, {"error", put.error().message}});
    }
}

}  // namespace tanda::admin
