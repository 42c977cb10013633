// Backing the index's memory map with 2 MiB pages. Random lookups in a multi-gigabyte index
// touch a different 4 KiB page almost every time, and each costs a TLB miss (on a virtual
// machine, a nested or shadow page walk) that a 2 MiB mapping avoids: at 10M certificates here,
// 51-54 against 63-69 µs of CPU per uncached answer (bench/RESULTS.md, "Scale"). Private to
// storage/.
#pragma once

#include <lmdb.h>

#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <stop_token>
#include <string>

namespace tanda::storage {

// Marks the map MADV_HUGEPAGE, so that a fault reads the file in 2 MiB folios and maps them
// whole, then maps the used part of the file afresh, 64 MiB at a time, reading one byte per
// 2 MiB. A stretch the page cache holds in large folios (a restart) is just mapped. A stretch
// cached 4 KiB at a time, as LMDB writes it, can only be mapped 4 KiB at a time: it is unmapped,
// dropped from the cache (POSIX_FADV_DONTNEED skips dirty pages and pages other processes map) and
// read back from disk. When the first stretch read back still is not mapped in 2 MiB pages (file
// systems without large folios: ext4 before Linux 6.16), it stops there. Skipped for an index under
// 8 MiB, which the CPU's caches hold anyway, and one over half the machine's memory, where 2 MiB
// read-ahead on each miss would cost more than the TLB saves. Returns the KiB this process maps in
// 2 MiB pages afterwards (0 when skipped), which in the daemon is the index; stops early when
// `stop` is requested.
std::uint64_t map_in_huge_pages(MDB_env* env, std::stop_token stop);

struct Mapping {
    std::byte* start = nullptr;
    std::size_t length = 0;
};
// The mapping of `file` from offset 0 in a /proc/PID/maps listing (exposed for tests).
std::optional<Mapping> find_mapping(std::istream& maps, const std::string& file);

}  // namespace tanda::storage
