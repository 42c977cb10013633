// CRL contents per RFC 5280 5.1.2.6 / 5.2.4 from the index. The full CRL is encoded while the
// LMDB cursor walks the CA's records; a delta's changes are sorted by serial through temporary
// files. Written to a file, entries spill beyond a threshold, so memory is about the threshold
// whatever the CA's size or the number of changes.
#include "crl/crl_generator.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <limits>
#include <sstream>

#include "core/mapped_file.hpp"
#include "core/record_sorter.hpp"
#include "pki/crl_builder.hpp"

namespace tanda::crl {
namespace {

constexpr std::size_t kJournalChunk = 4096;

bool listed(const CertRecord& r, UnixSeconds cutoff, bool keep_expired) {
    return r.state == CertState::revoked &&
           (keep_expired || r.not_after == 0 || r.not_after >= cutoff);
}

pki::CrlParams params_for(const ca::ServedCa& ca, std::uint64_t number, UnixSeconds now, bool delta) {
    const auto& o = ca.options.crl;
    pki::CrlParams p;
    p.number = number;
    p.this_update = now;
    p.next_update = now + (delta ? o.delta.validity : o.validity).count();
    p.issuing_distribution_point = o.issuing_distribution_point;
    if (!delta && o.delta.enabled) p.freshest_crl = o.delta.url;
    return p;
}

// Calls visit(entry) for every journal entry in (after, head], in order, chunk by chunk.
template <typename Visit>
Result<void> walk_journal(const storage::RevocationIndex& index, std::uint64_t after,
                          std::uint64_t head, Visit&& visit) {
    for (std::uint64_t next = after + 1; next <= head;) {
        auto chunk = index.journal(next, std::min<std::uint64_t>(kJournalChunk, head - next + 1));
        if (!chunk) return tl::unexpected(chunk.error());
        if (chunk->empty()) break;
        for (const auto& e : *chunk) visit(e);
        next = chunk->back().seq + 1;
    }
    return {};
}

}  // namespace

std::string encode_crl_base(const CrlBase& b) {
    return std::to_string(b.number) + " " + std::to_string(b.seq) + " " +
           std::to_string(b.this_update) + " " + std::to_string(b.expired_cutoff);
}

std::optional<CrlBase> decode_crl_base(std::string_view text) {
    CrlBase b;
    std::istringstream in{std::string(text)};
    if (!(in >> b.number >> b.seq >> b.this_update >> b.expired_cutoff)) return std::nullopt;
    return b;
}

namespace {

// Records walked between two releases of the mapped index pages (release_index_pages).
constexpr std::size_t kReleaseEvery = 65536;

// Where temporary files go: next to `to`'s file, or nowhere (in memory) without one.
std::filesystem::path spill_dir(const CrlDestination& to) {
    if (to.file == nullptr) return {};
    const auto dir = std::filesystem::path(to.file->path()).parent_path();
    return dir.empty() ? "." : dir;
}

// Lets the builder spill next to `to`'s file when there is one (see CrlDestination).
void prepare(pki::CrlBuilder& builder, const CrlDestination& to) {
    if (to.file != nullptr) builder.spill_to(spill_dir(to).string(), to.spill_threshold);
}

// Finishes the CRL into `to`'s file when there is one. A CRL that spilled is then served from
// the file mapped; a smaller one from memory (a mapped file rewritten in place by someone else
// would fault when read).
Result<SharedBytes> finish(pki::CrlBuilder& builder, const CrlDestination& to) {
    if (to.file == nullptr || !builder.spilled()) {
        auto der = builder.finish();
        if (!der) return tl::unexpected(der.error());
        if (to.file != nullptr) {
            if (auto r = to.file->write(as_chars(*der)); !r) return tl::unexpected(r.error());
        }
        return SharedBytes(std::move(*der));
    }
    auto size = builder.finish_to(to.file->fd());
    if (!size) return tl::unexpected(size.error());
    return map_file(to.file->fd(), to.file->path());
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}
}  // namespace

Result<std::uint64_t> journal_head(const storage::RevocationIndex& index) {
    auto stats = index.stats();  // seqs start at 1 without gaps: the count is the head
    if (!stats) return tl::unexpected(stats.error());
    return stats->journal_entries;
}

Result<GeneratedCrl> generate_full_crl(const ca::ServedCa& ca,
                                       const storage::RevocationIndex& index, std::uint64_t number,
                                       UnixSeconds now, UnixSeconds expired_cutoff,
                                       CrlDestination to) {
    const auto started = std::chrono::steady_clock::now();
    auto head = journal_head(index);
    if (!head) return tl::unexpected(head.error());
    const bool keep = ca.options.crl.keep_expired;
    pki::CrlBuilder builder(*ca.crl_signer, params_for(ca, number, now, false));
    prepare(builder, to);
    std::uint64_t max_seq = *head;
    std::size_t walked_records = 0;
    auto walked = index.for_each_record(ca.issuer_id, [&](const Serial& s, const CertRecord& r) {
        max_seq = std::max(max_seq, r.last_seq);
        if (to.release_index_pages && ++walked_records % kReleaseEvery == 0) {
            index.release_mapped_pages();
        }
        if (listed(r, expired_cutoff, keep)) {
            builder.add({s.bytes(), r.revoked_at, r.reason, r.invalidity_date});
        }
        return true;
    });
    if (!walked) return tl::unexpected(walked.error());
    GeneratedCrl out;
    out.entries = builder.entries();
    out.spilled = builder.spilled();
    auto der = finish(builder, to);
    if (!der) return tl::unexpected(der.error());
    out.der = std::move(*der);
    out.base = {number, max_seq, now, expired_cutoff};
    out.seconds = seconds_since(started);
    return out;
}

Result<GeneratedCrl> generate_delta_crl(const ca::ServedCa& ca,
                                        const storage::RevocationIndex& index, std::uint64_t number,
                                        UnixSeconds now, const CrlBase& base, CrlDestination to) {
    const auto started = std::chrono::steady_clock::now();
    auto head = journal_head(index);
    if (!head) return tl::unexpected(head.error());
    // The changes since the base, sorted by serial through temporary files next to the
    // destination: a mass revocation between two complete CRLs stays within bounded memory.
    // A release carries its time as the tag, any other change kNotReleased.
    constexpr std::int64_t kNotReleased = std::numeric_limits<std::int64_t>::min();
    RecordSorter changes(spill_dir(to), to.spill_threshold);
    std::size_t walked_entries = 0;
    Result<void> added;
    auto walked = walk_journal(index, base.seq, *head, [&](const storage::JournalEntry& e) {
        if (to.release_index_pages && ++walked_entries % kReleaseEvery == 0) {
            index.release_mapped_pages();
        }
        // Audit entries (dual control) carry an asked-for record that was never applied.
        if (!added || e.change.issuer != ca.issuer_id || !storage::changes_record(e)) return;
        const bool release = e.change.kind == storage::ChangeKind::release;
        added = changes.add(e.change.serial, e.change.record, release ? e.time : kNotReleased);
    });
    if (!walked) return tl::unexpected(walked.error());
    if (!added) return tl::unexpected(added.error());
    auto params = params_for(ca, number, now, true);
    params.delta_base = base.number;
    pki::CrlBuilder builder(*ca.crl_signer, params);
    prepare(builder, to);
    // One entry per certificate, from its latest record: its current revocation, or
    // removeFromCRL when a release since the base left it unrevoked.
    std::optional<SortedRecord> latest;
    std::optional<UnixSeconds> released_at;  // the last release since the base
    auto emit = [&] {
        const CertRecord& r = latest->record;
        if (listed(r, base.expired_cutoff, ca.options.crl.keep_expired)) {
            builder.add({latest->serial.bytes(), r.revoked_at, r.reason, r.invalidity_date});
        } else if (released_at) {
            // RFC 5280 5.3.1: removeFromCRL tells delta users to drop the base's hold entry.
            builder.add(
                {latest->serial.bytes(), *released_at, Reason::remove_from_crl, std::nullopt});
        }
    };
    auto sorted = changes.visit([&](SortedRecord& change) -> Result<void> {
        if (latest && latest->serial != change.serial) {
            emit();
            released_at.reset();
        }
        if (change.tag != kNotReleased) released_at = change.tag;
        latest = std::move(change);
        return {};
    });
    if (!sorted) return tl::unexpected(sorted.error());
    if (latest) emit();
    GeneratedCrl out;
    out.entries = builder.entries();
    out.spilled = builder.spilled();
    out.sort_runs = changes.spilled_runs();
    auto der = finish(builder, to);
    if (!der) return tl::unexpected(der.error());
    out.der = std::move(*der);
    out.base = base;
    out.seconds = seconds_since(started);
    return out;
}

Result<std::optional<std::set<storage::IssuerId>>> changed_issuers(
    const storage::RevocationIndex& index, std::uint64_t after, std::uint64_t head,
    std::size_t limit) {
    if (head > after && head - after > limit) return std::optional<std::set<storage::IssuerId>>();
    std::set<storage::IssuerId> issuers;
    // Audit entries (a request pending, a CRL published) change nothing a CRL lists.
    auto walked = walk_journal(index, after, head, [&](const storage::JournalEntry& e) {
        if (storage::changes_record(e)) issuers.insert(e.change.issuer);
    });
    if (!walked) return tl::unexpected(walked.error());
    return std::optional<std::set<storage::IssuerId>>(std::move(issuers));
}

}  // namespace tanda::crl
