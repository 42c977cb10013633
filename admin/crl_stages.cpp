#include "admin/crl_stages.hpp"

#include <algorithm>

namespace tanda::admin {
namespace {

constexpr std::size_t kPage = 1000;

// Imports carry no request id; registrations and audit entries (submitted, scheduled...)
// change nothing a CRL shows.
bool is_crl_request(const storage::JournalEntry& e, storage::IssuerId issuer) {
    return e.change.issuer == issuer && !e.provenance.request_id.empty() &&
           (e.change.kind == storage::ChangeKind::revoke ||
            e.change.kind == storage::ChangeKind::release);
}

}  // namespace

void CrlStageRecorder::record(storage::IssuerId issuer, const CrlPublication& crl,
                              std::uint64_t after_seq, std::uint64_t covered_seq) {
    if (covered_seq <= after_seq) return;
    if (auto put = index_.put_meta(crl_cover_key(issuer, covered_seq), encode_crl_stage(crl));
        !put) {
        logger_.warn(
            "could not record what a CRL covers",
            {{"crl_number", std::to_string(crl.crl_number)}, {"error", put.error().message}});
    }
    if (stages_) observe_range(issuer, crl.published_at, after_seq, covered_seq);
}

void CrlStageRecorder::observe_range(storage::IssuerId issuer, UnixSeconds published_at,
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
            if (!is_crl_request(e, issuer)) continue;
            stages_("crl_published",
                    static_cast<double>(std::max<UnixSeconds>(published_at - e.time, 0)));
        }
        since = page->back().seq + 1;
    }
}

std::optional<CrlPublication> first_crl_covering(const storage::RevocationIndex& index,
                                                 storage::IssuerId issuer, std::uint64_t seq) {
    auto found = index.first_meta_from(crl_cover_key(issuer, seq), crl_cover_prefix(issuer));
    if (!found || !*found) return std::nullopt;
    return decode_crl_stage((*found)->second);
}

}  // namespace tanda::admin
