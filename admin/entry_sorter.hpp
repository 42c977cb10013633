// Import entries in serial order with bounded memory: an external merge sort. Entries are
// encoded into an in-memory run of at most `run_bytes`; a full run is sorted and spilled to a
// temporary file, and visit() merges the runs. Key order makes LMDB's page writes sequential,
// and equal serials come out adjacent so they can be merged or reported as duplicates.
// Not thread-safe. The temporary files are removed by the destructor.
#pragma once

#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "admin/index_txt.hpp"
#include "core/result.hpp"

namespace tanda::admin {

class EntrySorter {
public:
    // 16 MiB of encoded entries per run (about 300 thousand index.txt lines), merged at most 64
    // runs at a time (each read through a 256 KiB buffer): measured at 10M against 64 and
    // 256 MiB runs (bench/RESULTS.md, "Streaming import"), as fast and the smallest peak RSS.
    // More runs than that are first merged 64 at a time into longer ones, so memory stays
    // bounded whatever the number of entries.
    static constexpr std::size_t kDefaultRunBytes = std::size_t{16} << 20;
    static constexpr std::size_t kDefaultFanIn = 64;

    // `spill_dir` empty: everything stays in memory (small imports, e.g. the admin API's).
    // Otherwise runs go to a private directory created inside `spill_dir` on the first spill.
    explicit EntrySorter(std::filesystem::path spill_dir, std::size_t run_bytes = kDefaultRunBytes,
                         std::size_t fan_in = kDefaultFanIn);
    ~EntrySorter();
    EntrySorter(const EntrySorter&) = delete;
    EntrySorter& operator=(const EntrySorter&) = delete;

    // Adds one entry (line 0 for one that did not come from an index file); may spill a run.
    [[nodiscard]] Result<void> add(const IndexEntry& entry);
    std::size_t size() const { return count_; }
    std::size_t spilled_runs() const { return runs_.size(); }

    using Visitor = std::function<Result<void>(const IndexEntry&)>;
    // Calls `visit` for every entry, by serial and, for equal serials, in the order added; stops
    // at the first error it returns. May be called again (each call is a fresh merge); add()
    // after visit() is not allowed.
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
    std::size_t runs_made_ = 0;  // names run files uniquely
    std::string arena_;                    // the current run, encoded entries back to back
    std::vector<std::uint64_t> offsets_;   // where each entry of the current run starts
    bool sorted_ = false;
    std::vector<std::filesystem::path> runs_;
    std::uint64_t count_ = 0;  // entries added; also each entry's tie-break sequence number
};

}  // namespace tanda::admin
