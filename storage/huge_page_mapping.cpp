#include "storage/huge_page_mapping.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace tanda::storage {
namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;
constexpr std::size_t kStretch = std::size_t{64} << 20;  // dropped at once: small cold window
constexpr std::size_t kWorthIt = std::size_t{8} << 20;

// FilePmdMapped of /proc/self/smaps_rollup: file pages this process maps 2 MiB at a time. The
// index is the only file the daemon maps that large.
std::uint64_t file_pmd_mapped_kib() {
    std::ifstream rollup("/proc/self/smaps_rollup");
    for (std::string key; rollup >> key;) {
        std::uint64_t kib = 0;
        if (key == "FilePmdMapped:" && rollup >> kib) return kib;
    }
    return 0;
}

// One read per 2 MiB: a fault maps a whole 2 MiB folio, or reads one in (MADV_HUGEPAGE).
void touch(const std::byte* from, std::size_t length) {
    for (std::size_t at = 0; at < length; at += kHugePage) {
        static_cast<void>(*reinterpret_cast<const volatile std::byte*>(from + at));
    }
}

std::size_t physical_memory() {
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? static_cast<std::size_t>(pages) * static_cast<std::size_t>(size)
                                 : 0;
}

}  // namespace

std::optional<Mapping> find_mapping(std::istream& maps, const std::string& file) {
    for (std::string line; std::getline(maps, line);) {
        std::istringstream fields(line);  // start-end perms offset dev inode path
        std::string range, perms, offset, dev, inode, path;
        fields >> range >> perms >> offset >> dev >> inode;
        std::getline(fields >> std::ws, path);
        const auto dash = range.find('-');
        if (path != file || dash == std::string::npos || offset.empty() ||
            offset.find_first_not_of('0') != std::string::npos) {
            continue;
        }
        std::uintptr_t start = 0, end = 0;
        std::istringstream(range.substr(0, dash)) >> std::hex >> start;
        std::istringstream(range.substr(dash + 1)) >> std::hex >> end;
        if (start == 0 || end <= start) continue;
        return Mapping{reinterpret_cast<std::byte*>(start), end - start};
    }
    return std::nullopt;
}

std::uint64_t map_in_huge_pages(MDB_env* env, std::stop_token stop) {
    const char* dir = nullptr;
    MDB_envinfo info{};
    MDB_stat stat{};
    mdb_filehandle_t fd = -1;
    if (mdb_env_get_path(env, &dir) != 0 || mdb_env_info(env, &info) != 0 ||
        mdb_env_stat(env, &stat) != 0 || mdb_env_get_fd(env, &fd) != 0) {
        return 0;
    }
    const std::size_t used = (info.me_last_pgno + 1) * stat.ms_psize;
    std::ifstream maps("/proc/self/maps");
    const auto map = find_mapping(maps, std::string(dir) + "/data.mdb");
    if (used < kWorthIt || used > physical_memory() / 2 || !map || map->length < used ||
        reinterpret_cast<std::uintptr_t>(map->start) % kHugePage != 0) {
        return 0;
    }
    // The whole map, so that pages the index grows into are covered too.
    if (madvise(map->start, map->length, MADV_HUGEPAGE) != 0) return 0;

    bool tried_reading_back = false;
    for (std::size_t offset = 0; offset < used && !stop.stop_requested(); offset += kStretch) {
        const std::size_t length = std::min(kStretch, used - offset);
        std::byte* stretch = map->start + offset;
        // Unmapped first (the file is unchanged), so the count below sees this stretch alone.
        if (madvise(stretch, length, MADV_DONTNEED) != 0) break;
        const std::uint64_t before = file_pmd_mapped_kib();
        touch(stretch, length);
        // Three quarters: the stretch's last 2 MiB may lie past the end of the file.
        if ((file_pmd_mapped_kib() - before) * 1024 >= length * 3 / 4) continue;
        if (madvise(stretch, length, MADV_DONTNEED) != 0 ||
            posix_fadvise(fd, static_cast<off_t>(offset), static_cast<off_t>(length),
                          POSIX_FADV_DONTNEED) != 0) {
            break;
        }
        touch(stretch, length);
        if (!tried_reading_back && file_pmd_mapped_kib() == before) break;  // no large folios
        tried_reading_back = true;
    }
    return file_pmd_mapped_kib();
}

}  // namespace tanda::storage
