// Backing the index's memory map with 2 MiB pages. Random lookups in a multi-gigabyte index
// touch a different 4 KiB page almost every time, and each costs a TLB miss (on a virtual
// machine, a nested or shadow page walk) that a 2 MiB mapping avoids: at 10M certificates here,
// 52-54 against 63-69 µs of CPU per uncached answer (bench/RESULTS.md, "Scale"). Private to
// storage/.
#pragma once

#include <lmdb.h>

namespace tanda::storage {

// Marks the map MADV_HUGEPAGE, so that a fault reads the file in 2 MiB folios and maps them
// whole, then drops the file's clean cached pages that no process maps (POSIX_FADV_DONTNEED):
// pages cached 4 KiB at a time, as LMDB writes them, can only be mapped 4 KiB at a time. The
// caller's next walk of the index reads it back from disk.
// It first tries this on one 2 MiB stretch and goes on only when that stretch came back mapped
// as one 2 MiB page: file systems without large folios (ext4 before Linux 6.16) would only make
// the walk read the whole file again. Returns whether the file was dropped; false also for an
// index under 8 MiB, which the CPU's caches hold anyway.
bool prefer_huge_pages(MDB_env* env);

}  // namespace tanda::storage
