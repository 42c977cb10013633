#include "admin/importer.hpp"

#include <algorithm>
#include <filesystem>

namespace tanda::admin {

Result<ImportStats> import_sorted(storage::RevocationIndex& index, storage::IssuerId issuer,
                                  EntrySorter& entries, const storage::Provenance& provenance,
                                  UnixSeconds now, const ImportProgress& progress,
                                  std::size_t chunk) {
    ImportStats stats;
    stats.entries = entries.size();
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
    // One serial's entries arrive together (a serial in both the index and a certificate file):
    // folded first, so each record gets at most one change and the import is order-free.
    std::optional<IndexEntry> pending;
    std::size_t visited = 0;
    auto apply = [&](const IndexEntry& e) -> Result<void> {
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
        if (changes.size() >= chunk) return flush();
        return {};
    };
    auto visited_ok = entries.visit([&](const IndexEntry& e) -> Result<void> {
        // Every `chunk` entries, written or not: a re-import writes nothing for a long time.
        if (++visited % chunk == 0 && progress) progress(visited, stats.entries);
        if (pending && pending->serial == e.serial) {
            if (auto merged = merge_import(pending->record, e.record)) pending->record = *merged;
            return {};
        }
        if (pending) {
            if (auto ok = apply(*pending); !ok) return ok;
        }
        pending = e;
        return {};
    });
    if (!visited_ok) return tl::unexpected(visited_ok.error());
    if (pending) {
        if (auto ok = apply(*pending); !ok) return tl::unexpected(ok.error());
    }
    if (auto ok = flush(); !ok) return tl::unexpected(ok.error());
    if (stats.written == 0) {  // no commit wrote: the head is whatever it was
        auto head = index.journal_head();
        if (!head) return tl::unexpected(head.error());
        stats.last_seq = head->seq;
    }
    if (progress) progress(stats.entries, stats.entries);
    return stats;
}

Result<ImportStats> import_entries(storage::RevocationIndex& index, storage::IssuerId issuer,
                                   const std::vector<IndexEntry>& entries,
                                   const storage::Provenance& provenance, UnixSeconds now,
                                   const ImportProgress& progress, std::size_t chunk) {
    EntrySorter sorted(std::filesystem::path{});  // in memory: these entries already are
    for (const auto& e : entries) {
        if (auto ok = sorted.add(e); !ok) return tl::unexpected(ok.error());
    }
    return import_sorted(index, issuer, sorted, provenance, now, progress, chunk);
}

std::vector<std::string> scan_certificate_dir(const std::string& dir,
                                              const pki::Certificate& issuer,
                                              const IndexSink& sink) {
    std::vector<std::string> problems;
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    for (const auto& f : std::filesystem::directory_iterator(dir, ec)) {
        if (f.is_regular_file()) files.push_back(f.path());
    }
    if (ec) {
        problems.push_back(dir + ": " + ec.message());
        return problems;
    }
    std::sort(files.begin(), files.end());
    for (const auto& path : files) {
        auto certs = pki::Certificate::load_all(path.string());
        if (!certs) {
            problems.push_back(path.string() + ": " + certs.error().message);
            continue;
        }
        for (const auto& cert : *certs) {
            if (!cert.issued_by(issuer)) {
                problems.push_back(path.string() + ": " + cert.subject() +
                                   " was not issued by " + issuer.subject());
                continue;
            }
            IndexEntry e;
            e.serial = cert.serial();
            e.record.state = CertState::issued;
            e.record.not_after = cert.not_after();
            e.record.subject = cert.subject();
            if (auto ok = sink(e); !ok) {
                problems.push_back(path.string() + ": " + ok.error().message);
                return problems;
            }
        }
    }
    return problems;
}

CertificateFiles read_certificate_dir(const std::string& dir, const pki::Certificate& issuer) {
    CertificateFiles out;
    out.problems = scan_certificate_dir(dir, issuer, [&](const IndexEntry& e) -> Result<void> {
        out.entries.push_back(e);
        return {};
    });
    return out;
}

}  // namespace tanda::admin
