// The process's malloc arenas, set before `serve` starts its threads.
#pragma once

namespace tanda::cli {

// glibc's malloc gives a thread that meets a busy arena a new one, up to eight per core, and
// each keeps what is freed in it. Under the soak's floods and revocations that retention grew
// the heap by 8-15% in four minutes; one arena per core held it to 0.4% (epoll) at the same
// throughput (bench/RESULTS.md, "Soak"). So one per core (at least two), unless
// MALLOC_ARENA_MAX is set in the environment: glibc then uses that. A hint: a malloc without
// M_ARENA_MAX (a sanitizer's) ignores it.
void limit_malloc_arenas();

}  // namespace tanda::cli
