// An import's index entries in serial order with bounded memory: RecordSorter (an external
// merge sort) with each entry's index.txt line carried along.
#pragma once

#include <filesystem>
#include <functional>

#include "admin/index_txt.hpp"
#include "core/record_sorter.hpp"
#include "core/result.hpp"

namespace tanda::admin {

class EntrySorter {
public:
    // `spill_dir` empty: everything stays in memory (small imports, e.g. the admin API's).
    explicit EntrySorter(std::filesystem::path spill_dir,
                         std::size_t run_bytes = RecordSorter::kDefaultRunBytes,
                         std::size_t fan_in = RecordSorter::kDefaultFanIn)
        : sorter_(std::move(spill_dir), run_bytes, fan_in) {}

    // Adds one entry (line 0 for one that did not come from an index file); may spill a run.
    [[nodiscard]] Result<void> add(const IndexEntry& entry) {
        return sorter_.add(entry.serial, entry.record, entry.line);
    }
    std::size_t size() const { return sorter_.size(); }
    std::size_t spilled_runs() const { return sorter_.spilled_runs(); }

    using Visitor = std::function<Result<void>(const IndexEntry&)>;
    // Calls `visit` for every entry, by serial and, for equal serials, in the order added; stops
    // at the first error it returns. May be called again; add() after visit() is not allowed.
    [[nodiscard]] Result<void> visit(const Visitor& visit);

private:
    RecordSorter sorter_;
};

}  // namespace tanda::admin
