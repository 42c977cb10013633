#include "admin/importer.hpp"

#include <algorithm>
#include <filesystem>
#include <numeric>

namespace tanda::admin {

std::optional<CertRecord> merge_import(const std::optional<CertRecord>& stored,
                                       const CertRecord& incoming) {
    if (!stored) return incoming;
    CertRecord result = *stored;
    if (stored->state == CertState::issued ||
        (stored->on_hold() && incoming.state == CertState::revoked)) {
        result.state = incoming.state;
        result.revoked_at = incoming.revoked_at;
        result.reason = incoming.reason;
        result.invalidity_date = incoming.invalidity_date;
    }
    if (result.not_after == 0) result.not_after = incoming.not_after;
    if (result.subject.empty()) result.subject = incoming.subject;
    if (result.same_content(*stored)) return std::nullopt;
    return result;
}

Result<ImportStats> import_entries(storage::RevocationIndex& index, storage::IssuerId issuer,
                                   std::vector<IndexEntry> entries,
                                   const storage::Provenance& provenance, UnixSeconds now,
                                   const ImportProgress& progress, std::size_t chunk) {
    ImportStats stats;
    stats.entries = entries.size();
    // Key order makes LMDB's page writes sequential; folding duplicates (a serial in both the
    // index and a certificate file) keeps one change per record and the import order-free.
    // Positions are sorted, not the entries: a stable sort of the entries themselves needs a
    // second copy of all of them (2.5 GB at 10 million), and page faults on it were most of the
    // import's system time. Stable, so equal serials are merged in input order.
    std::vector<std::size_t> order(entries.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return entries[a].serial < entries[b].serial;
    });
    std::size_t kept = 0;
    for (std::size_t i = 0; i < order.size(); ++i) {
        if (kept > 0 && entries[order[kept - 1]].serial == entries[order[i]].serial) {
            auto& first = entries[order[kept - 1]].record;
            if (auto merged = merge_import(first, entries[order[i]].record)) first = *merged;
        } else {
            order[kept++] = order[i];
        }
    }
    order.resize(kept);
    std::vector<storage::Change> changes;
    changes.reserve(std::min(chunk, entries.size()));
    auto flush = [&]() -> Result<void> {
        if (changes.empty()) return {};
        auto done = index.commit(changes, provenance, now);
        if (!done) return tl::unexpected(done.error());
        stats.written += done->applied;
        stats.unchanged += done->unchanged;
        stats.last_seq = done->last_seq;
        changes.clear();
        return {};
    };
    for (std::size_t i = 0; i < order.size(); ++i) {
        const auto& e = entries[order[i]];
        auto stored = index.find(issuer, e.serial);
        if (!stored) return tl::unexpected(stored.error());
        auto merged = merge_import(*stored, e.record);
        if (!merged) {
            bool kept = *stored && (*stored)->state == CertState::revoked &&
                        !(e.record.state == CertState::revoked &&
                          e.record.same_content((**stored)));
            ++(kept ? stats.kept_revoked : stats.unchanged);
        } else {
            auto kind = merged->state == CertState::revoked ? storage::ChangeKind::revoke
                        : *stored ? storage::ChangeKind::update
                                  : storage::ChangeKind::register_certificate;
            changes.push_back(storage::Change{kind, issuer, e.serial, std::move(*merged)});
        }
        if (changes.size() >= chunk) {
            if (auto ok = flush(); !ok) return tl::unexpected(ok.error());
            if (progress) progress(i + 1, order.size());
        }
    }
    if (auto ok = flush(); !ok) return tl::unexpected(ok.error());
    if (progress) progress(order.size(), order.size());
    return stats;
}

CertificateFiles read_certificate_dir(const std::string& dir, const pki::Certificate& issuer) {
    CertificateFiles out;
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    for (const auto& f : std::filesystem::directory_iterator(dir, ec)) {
        if (f.is_regular_file()) files.push_back(f.path());
    }
    if (ec) {
        out.problems.push_back(dir + ": " + ec.message());
        return out;
    }
    std::sort(files.begin(), files.end());
    for (const auto& path : files) {
        auto certs = pki::Certificate::load_all(path.string());
        if (!certs) {
            out.problems.push_back(path.string() + ": " + certs.error().message);
            continue;
        }
        for (const auto& cert : *certs) {
            if (!cert.issued_by(issuer)) {
                out.problems.push_back(path.string() + ": " + cert.subject() +
                                       " was not issued by " + issuer.subject());
                continue;
            }
            IndexEntry e;
            e.serial = cert.serial();
            e.record.state = CertState::issued;
            e.record.not_after = cert.not_after();
            e.record.subject = cert.subject();
            out.entries.push_back(std::move(e));
        }
    }
    return out;
}

}  // namespace tanda::admin
