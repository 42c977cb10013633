// RevocationIndex::release_mapped_pages (revocation_index.hpp).
#include <lmdb.h>
#include <sys/mman.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "storage/huge_page_mapping.hpp"
#include "storage/index_impl.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::storage {

void RevocationIndex::release_mapped_pages() const {
    const char* dir = nullptr;
    MDB_envinfo info{};
    MDB_stat stat{};
    if (mdb_env_get_path(impl_->env.get(), &dir) != 0 ||
        mdb_env_info(impl_->env.get(), &info) != 0 || mdb_env_stat(impl_->env.get(), &stat) != 0) {
        return;
    }
    // LMDB reports the map's address only for MDB_FIXEDMAP: found by the file's path instead.
    std::error_code ec;
    const auto file = std::filesystem::weakly_canonical(std::filesystem::path(dir) / "data.mdb", ec);
    std::ifstream maps("/proc/self/maps");
    const auto map = find_mapping(maps, ec ? std::string(dir) + "/data.mdb" : file.string());
    if (!map) return;
    // The used part of the file. The map is read-only and shared (no MDB_WRITEMAP), so dropping
    // it loses nothing: the next read faults the page back in from the page cache.
    const std::size_t used = (info.me_last_pgno + 1) * static_cast<std::size_t>(stat.ms_psize);
    madvise(map->start, std::min(used, map->length), MADV_DONTNEED);
}

}  // namespace tanda::storage
