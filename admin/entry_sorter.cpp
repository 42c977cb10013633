#include "admin/entry_sorter.hpp"

namespace tanda::admin {

Result<void> EntrySorter::visit(const Visitor& visit) {
    return sorter_.visit([&](SortedRecord& r) {
        return visit(IndexEntry{std::move(r.serial), std::move(r.record), static_cast<int>(r.tag)});
    });
}

}  // namespace tanda::admin
