#include "storage/huge_page_mapping.hpp"

#include <fcntl.h>
#include <sys/mman.h>

#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace tanda::storage {
namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;
constexpr std::size_t kWorthIt = std::size_t{8} << 20;

struct Mapping {
    std::byte* start = nullptr;
    std::size_t length = 0;
};

// This process's mapping of `file`. LMDB does not tell where it mapped the file
// (MDB_envinfo::me_mapaddr is only set with MDB_FIXEDMAP), so this reads /proc/self/maps.
std::optional<Mapping> find_mapping(const std::string& file) {
    std::ifstream maps("/proc/self/maps");
    for (std::string line; std::getline(maps, line);) {
        std::istringstream fields(line);  // start-end perms offset dev inode path
        std::string range, perms, offset, dev, inode, path;
        fields >> range >> perms >> offset >> dev >> inode;
        std::getline(fields >> std::ws, path);
        if (path != file || offset.find_first_not_of('0') != std::string::npos) continue;
        const auto dash = range.find('-');
        const std::uintptr_t start = std::stoull(range.substr(0, dash), nullptr, 16);
        const std::uintptr_t end = std::stoull(range.substr(dash + 1), nullptr, 16);
        return Mapping{reinterpret_cast<std::byte*>(start), end - start};
    }
    return std::nullopt;
}

// FilePmdMapped of /proc/self/smaps_rollup: file pages this process maps 2 MiB at a time.
std::uint64_t file_pmd_mapped_kib() {
    std::ifstream rollup("/proc/self/smaps_rollup");
    for (std::string key; rollup >> key;) {
        std::uint64_t kib = 0;
        if (key == "FilePmdMapped:" && rollup >> kib) return kib;
    }
    return 0;
}

}  // namespace

bool prefer_huge_pages(MDB_env* env) {
    const char* dir = nullptr;
    MDB_envinfo info{};
    MDB_stat stat{};
    mdb_filehandle_t fd = -1;
    if (mdb_env_get_path(env, &dir) != 0 || mdb_env_info(env, &info) != 0 ||
        mdb_env_stat(env, &stat) != 0 || mdb_env_get_fd(env, &fd) != 0) {
        return false;
    }
    const std::size_t used = (info.me_last_pgno + 1) * stat.ms_psize;
    const auto map = find_mapping(std::string(dir) + "/data.mdb");
    if (used < kWorthIt || !map || map->length < used ||
        reinterpret_cast<std::uintptr_t>(map->start) % kHugePage != 0) {
        return false;
    }
    // The whole map, so that pages the index grows into are covered too.
    if (madvise(map->start, map->length, MADV_HUGEPAGE) != 0) return false;

    // The trial: one 2 MiB stretch from the middle, dropped and read back by a touch.
    const std::size_t trial = used / 2 / kHugePage * kHugePage;
    const std::uint64_t before = file_pmd_mapped_kib();
    if (posix_fadvise(fd, static_cast<off_t>(trial), kHugePage, POSIX_FADV_DONTNEED) != 0) {
        return false;
    }
    static_cast<void>(*reinterpret_cast<const volatile std::byte*>(map->start + trial));
    if (file_pmd_mapped_kib() <= before) return false;

    return posix_fadvise(fd, 0, static_cast<off_t>(used), POSIX_FADV_DONTNEED) == 0;
}

}  // namespace tanda::storage
