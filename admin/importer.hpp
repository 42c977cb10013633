// Bulk registration of a CA's certificates into the revocation index, from an OpenSSL
// index.txt or certificate files. Idempotent: importing the same data again changes nothing.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "admin/entry_sorter.hpp"
#include "admin/index_txt.hpp"
#include "core/result.hpp"
#include "pki/certificate.hpp"
#include "storage/import_merge.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::admin {

struct ImportStats {
    std::size_t entries = 0;       // certificates offered
    std::size_t written = 0;       // records created or changed (one journal entry each)
    std::size_t unchanged = 0;     // already recorded exactly so
    std::size_t kept_revoked = 0;  // Tanda has it revoked and the import says otherwise: kept
    std::uint64_t last_seq = 0;
};

using storage::merge_import;  // storage/import_merge.hpp

using ImportProgress = std::function<void(std::size_t done, std::size_t total)>;

// Merges and commits `entries` (in serial order, streamed from the sorter) in transactions of
// `chunk` changes, calling `progress` every `chunk` entries and at the end. Entries must already
// be validated (a parse with problems must not be imported). Entries for the same serial are
// merged in the order they were added first. A storage failure part-way leaves the chunks
// already committed in place (each is durable and re-importing completes the rest).
// 10 thousand changes per commit: each commit is one journal write (and, replicated, one
// message); larger ones were no faster here (bench/RESULTS.md, "Streaming import").
inline constexpr std::size_t kImportChunk = 10000;
[[nodiscard]] Result<ImportStats> import_sorted(storage::RevocationIndex& index,
                                                storage::IssuerId issuer, EntrySorter& entries,
                                                const storage::Provenance& provenance,
                                                UnixSeconds now, const ImportProgress& progress,
                                                std::size_t chunk = kImportChunk);
// The same for entries already in memory (the admin API's, tests').
[[nodiscard]] Result<ImportStats> import_entries(storage::RevocationIndex& index,
                                                 storage::IssuerId issuer,
                                                 const std::vector<IndexEntry>& entries,
                                                 const storage::Provenance& provenance,
                                                 UnixSeconds now, const ImportProgress& progress,
                                                 std::size_t chunk = kImportChunk);

struct CertificateFiles {
    std::vector<IndexEntry> entries;  // line is 0; record.state issued
    std::vector<std::string> problems;  // "path: why" for unreadable or foreign certificates
};

// Reads every regular file in `dir` (PEM with one or more certificates, or DER) and streams
// the certificates `issuer` signed to `sink`; returns "path: why" problems. The file names are
// held in memory, the certificates are not.
std::vector<std::string> scan_certificate_dir(const std::string& dir,
                                              const pki::Certificate& issuer,
                                              const IndexSink& sink);
// Reads every regular file in `dir` (PEM with one or more certificates, or DER) and keeps the
// certificates `issuer` signed.
CertificateFiles read_certificate_dir(const std::string& dir, const pki::Certificate& issuer);

}  // namespace tanda::admin
