// Certificate records in serial order with bounded memory: an external merge sort. Records are
// encoded into an in-memory run of at most `run_bytes`; a full run is sorted and spilled to a
// temporary file, and visit() merges the runs. Used where the records to sort may not fit in
// memory: an import's index.txt (key order makes LMDB's page writes sequential) and a delta
// CRL's changes (entries in serial order, one per certificate). Equal serials come out adjacent,
// in the order added, so they can be folded or reported as duplicates.
// Not thread-safe. The temporary files are removed by the destructor.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/cert_record.hpp"
#include "core/result.hpp"
#include "core/serial.hpp"

namespace tanda {

struct SortedRecord {
    Serial serial;
    CertRecord record;     // last_seq is not kept
    std::int64_t tag = 0;  // the caller's: an index.txt line, a release time
};

class RecordSorter {
public:
    // 16 MiB of encoded records per run (about 300 thousand index.txt lines), merged at most 64
    // runs at a time (each read through a 256 KiB buffer): measured at 10M against 64 and
    // 256 MiB runs (bench/RESULTS.md, "Streaming import"), as fast and the smallest peak RSS.
    // More runs than that are first merged 64 at a time into longer ones, so memory stays
    // bounded whatever the number of records.
    static constexpr std::size_t kDefaultRunBytes = std::size_t{16} << 20;
    static constexpr std::size_t kDefaultFanIn = 64;

    // `spill_dir` empty: everything stays in memory (small sets, e.g. the admin API's imports).
    // Otherwise runs go to a private directory created inside `spill_dir` on the first spill.
    explicit RecordSorter(std::filesystem::path spill_dir, std::size_t run_bytes = kDefaultRunBytes,
                          std::size_t fan_in = kDefaultFanIn);
    ~RecordSorter();
    RecordSorter(const RecordSorter&) = delete;
    RecordSorter& operator=(const RecordSorter&) = delete;

    // Adds one record; may spill a run.
    [[nodiscard]] Result<void> add(const Serial& serial, const CertRecord& record,
                                   std::int64_t tag = 0);
    std::size_t size() const { return count_; }
    std::size_t spilled_runs() const { return runs_.size(); }

    // `visit` may move from the record it is given.
    using Visitor = std::function<Result<void>(SortedRecord&)>;
    // Calls `visit` for every record, by serial and, for equal serials, in the order added;
    // stops at the first error it returns. May be called again (each call is a fresh merge);
    // add() after visit() is not allowed.
    [[nodiscard]] Result<void> visit(const Visitor& visit);

private:
    [[nodiscard]] Result<void> spill();
    void sort_run();
    std::filesystem::path next_run_path();
    // Merges runs_ `fan_in_` at a time into longer runs until at most `fan_in_` are left.
    [[nodiscard]] Result<void> compact();

    std::filesystem::path spill_dir_;
    std::filesystem::path run_dir_;  // created on the first spill
    std::size_t run_bytes_;
    std::size_t fan_in_;
    std::size_t runs_made_ = 0;           // names run files uniquely
    std::string arena_;                   // the current run, encoded records back to back
    std::vector<std::uint64_t> offsets_;  // where each record of the current run starts
    bool sorted_ = false;
    std::vector<std::filesystem::path> runs_;
    std::uint64_t count_ = 0;  // records added; also each record's tie-break sequence number
};

}  // namespace tanda
