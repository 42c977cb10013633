#include "admin/crl_stages.hpp"

#include <algorithm>
#include <charconv>
#include <string_view>
#include <vector>

namespace tanda::admin {
namespace {

constexpr std::size_t kPage = 1000;
constexpr std::string_view kSourcePrefix = "crl;";

// Imports carry no request id; registrations and audit entries (submitted, scheduled...)
// change nothing a CRL shows.
bool is_crl_request(const storage::JournalEntry& e, storage::IssuerId issuer) {
    return e.change.issuer == issuer && !e.provenance.request_id.empty() &&
           (e.change.kind == storage::ChangeKind::revoke ||
            e.change.kind == storage::ChangeKind::release);
}

Serial number_serial(std::uint64_t number) {
    std::byte bytes[8];
    for (int i = 0; i < 8; ++i) bytes[i] = std::byte(number >> (56 - 8 * i));
    return Serial::from_magnitude(ByteView(bytes, 8));  // strips the leading zero bytes
}

template <typename T>
bool parse_decimal(std::string_view text, T& out) {
    if (text.empty()) return false;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

// `name=value` out of "crl;k=v;k=v"; nullopt when absent.
std::optional<std::string_view> field(std::string_view source, std::string_view name) {
    std::string_view rest = source.substr(kSourcePrefix.size());
    while (!rest.empty()) {
        const auto end = rest.find(';');
        std::string_view item = rest.substr(0, end);
        if (item.size() > name.size() && item.starts_with(name) && item[name.size()] == '=') {
            return item.substr(name.size() + 1);
        }
        if (end == std::string_view::npos) break;
        rest.remove_prefix(end + 1);
    }
    return std::nullopt;
}

template <typename T>
bool read_field(std::string_view source, std::string_view name, T& out) {
    auto text = field(source, name);
    return text && parse_decimal(*text, out);
}

}  // namespace

storage::Change crl_stage_change(storage::IssuerId issuer, const CrlStageEntry& crl) {
    return {storage::ChangeKind::crl_published, issuer, number_serial(crl.crl_number),
            CertRecord{}};
}

storage::Provenance crl_stage_provenance(const CrlStageEntry& crl) {
    storage::Provenance p;
    p.source = std::string(kSourcePrefix) + "number=" + std::to_string(crl.crl_number) +
               ";this_update=" + std::to_string(crl.this_update) +
               ";delta=" + (crl.delta ? "1" : "0") + ";after_seq=" + std::to_string(crl.after_seq) +
               ";covered_seq=" + std::to_string(crl.covered_seq);
    return p;
}

std::optional<CrlStageEntry> parse_crl_stage(const storage::JournalEntry& e) {
    const std::string& source = e.provenance.source;
    if (e.change.kind != storage::ChangeKind::crl_published || !source.starts_with(kSourcePrefix)) {
        return std::nullopt;
    }
    CrlStageEntry out;
    int delta = 0;
    if (!read_field(source, "number", out.crl_number) ||
        !read_field(source, "this_update", out.this_update) ||
        !read_field(source, "delta", delta) || delta < 0 || delta > 1 ||
        !read_field(source, "after_seq", out.after_seq) ||
        !read_field(source, "covered_seq", out.covered_seq) || out.after_seq >= out.covered_seq ||
        !(number_serial(out.crl_number) == e.change.serial)) {
        return std::nullopt;
    }
    out.delta = delta == 1;
    return out;
}

void CrlStageRecorder::record(storage::IssuerId issuer, const CrlPublication& crl,
                              std::uint64_t after_seq, std::uint64_t covered_seq, bool delta) {
    if (covered_seq <= after_seq) return;
    const bool truncated = covered_seq - after_seq > kScanLimit;
    std::uint64_t since = truncated ? covered_seq - kScanLimit + 1 : after_seq + 1;
    // Entries already covered by an earlier CRL's entry in the range (a lease taken over) are
    // not announced again.
    std::uint64_t announced = after_seq;
    std::vector<std::pair<std::uint64_t, UnixSeconds>> requests;  // seq, entry time
    while (since <= covered_seq) {
        auto page = index_.journal(since, kPage);
        if (!page) {
            logger_.warn("could not read the journal for the CRL stage",
                         {{"error", page.error().message}});
            return;
        }
        if (page->empty()) break;
        for (const auto& e : *page) {
            if (e.seq > covered_seq) break;
            if (is_crl_request(e, issuer)) requests.emplace_back(e.seq, e.time);
            if (e.change.issuer != issuer) continue;
            if (auto earlier = parse_crl_stage(e)) {
                announced = std::max(announced, std::min(earlier->covered_seq, covered_seq));
            }
        }
        since = page->back().seq + 1;
    }
    std::erase_if(requests, [&](const auto& r) { return r.first <= announced; });
    if (requests.empty() && !(truncated && announced == after_seq)) return;
    if (announced >= covered_seq) return;
    const CrlStageEntry entry{crl.crl_number, crl.published_at, delta, announced, covered_seq};
    auto seq = index_.append_audit(crl_stage_change(issuer, entry), crl_stage_provenance(entry),
                                   crl.published_at);
    if (!seq) {
        logger_.warn(
            "could not journal the CRL stage",
            {{"crl_number", std::to_string(crl.crl_number)}, {"error", seq.error().message}});
        return;
    }
    if (!stages_) return;
    for (const auto& [request_seq, time] : requests) {
        stages_("crl_published",
                static_cast<double>(std::max<UnixSeconds>(crl.published_at - time, 0)));
    }
}

std::optional<CrlPublication> first_crl_covering(const storage::RevocationIndex& index,
                                                 storage::IssuerId issuer, std::uint64_t seq) {
    // Written by versions before the journal had crl_published entries; no longer written.
    auto legacy = index.first_meta_from(crl_cover_key(issuer, seq), crl_cover_prefix(issuer));
    if (legacy && *legacy) return decode_crl_stage((*legacy)->second);
    for (std::uint64_t since = seq + 1; since <= seq + kLookupLimit;) {
        auto page = index.journal(since, kPage);
        if (!page || page->empty()) return std::nullopt;
        for (const auto& e : *page) {
            if (e.seq > seq + kLookupLimit) return std::nullopt;
            if (e.change.issuer != issuer) continue;
            auto crl = parse_crl_stage(e);
            if (!crl || crl->covered_seq < seq) continue;
            // A range that starts at or after `seq`: an earlier CRL covered it, unjournaled.
            if (crl->after_seq >= seq) return std::nullopt;
            return CrlPublication{crl->crl_number, e.time};
        }
        since = page->back().seq + 1;
    }
    return std::nullopt;
}

}  // namespace tanda::admin
