#!/usr/bin/env bash
# Tanda at scale: a synthetic index.txt of N certificates (default 10 million) against 10
# thousand. Measures the import (time, peak RSS), index lookups per second on random serials
# (tanda-bench-lookup, no HTTP), the daemon under random-serial POSTs with the answer cache off,
# and the daemon's resident memory without the page cache (RssAnon); 3 interleaved rounds of
# both sizes, medians. Writes the "Scale" section of bench/RESULTS.md.
# Usage (as root): bench/scale.sh [--sizes N[,N...]] [--import-only] [--build DIR] [N]
#   --sizes        the large sizes (default 10000000); the last one goes in the table
#   --import-only  only the import and a re-import of each size (time, peak RSS), printed
#   --build DIR    an existing CMake build directory to use (e.g. of another checkout, for a
#                  before/after comparison); default build-release here, configured Release
set -euo pipefail
sizes=10000000 small=10000 import_only=0 build=
while [ $# -gt 0 ]; do
  case $1 in
    --sizes) sizes=$2; shift 2 ;;
    --import-only) import_only=1; shift ;;
    --build) build=$2; shift 2 ;;
    *) sizes=$1; shift ;;
  esac
done
big=${sizes##*,}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
for p in wrk time iproute2; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p" >/dev/null
done
if [ -z "$build" ]; then
  build=$root/build-release
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTANDA_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build" --target tanda tanda-bench-fixtures tanda-bench-lookup >/dev/null
tanda=$build/cli/tanda
work=$(mktemp -d /tmp/tanda-scale.XXXXXX)
trap 'rm -rf "$work"' EXIT
out=$work/scale.md

prepare() {  # N: fixtures and the import, timed
  local n=$1 dir=$work/n$1
  "$build/bench/tanda-bench-fixtures" --dir "$dir" --count "$n" --no-cache >/dev/null
  /usr/bin/time -f "%e %M" -o "$dir/import.time" \
    "$tanda" import --config "$dir/tanda.yaml" --ca bench --index "$dir/index.txt" >/dev/null 2>&1
  echo "import $n $(cat "$dir/import.time")" | tee -a "$work/rows"
}

reimport() {  # N: the same index again (every record read back, nothing written), timed
  local n=$1 dir=$work/n$1
  /usr/bin/time -f "%e %M" -o "$dir/reimport.time" \
    "$tanda" import --config "$dir/tanda.yaml" --ca bench --index "$dir/index.txt" >"$dir/reimport.out" 2>&1
  echo "reimport $n $(cat "$dir/reimport.time") $(grep -o '[0-9]* recorded' "$dir/reimport.out")" |
    tee -a "$work/rows"
}

lookups() {  # N: index lookups/s, no HTTP
  local n=$1
  echo "lookups $n $("$build/bench/tanda-bench-lookup" --db "$work/n$n/data" --count "$n" \
    --threads 2 --seconds 5 --warm 1 | sed -n 's/.*lookups_per_s=\([0-9]*\).*/\1/p')" | tee -a "$work/rows"
}

daemon() {  # N: the daemon under random-serial load, every answer a cache miss, in its own netns
  local n=$1 dir=$work/n$1
  echo "daemon $n $(unshare -n bash -c '
    ip link set lo up
    sync; echo 3 >/proc/sys/vm/drop_caches  # start-up from a cold page cache, as after a reboot
    start=$(date +%s%N)
    "$1" serve --config "$2/tanda.yaml" 2>"$2/serve.log" & pid=$!
    # Start-up: until /readyz answers 200, then until the warm-up walk is done.
    for _ in $(seq 6000); do
      [ "$(curl -s -o /dev/null -w "%{http_code}" http://127.0.0.1:18080/readyz)" = 200 ] && break
      sleep 0.01
    done
    ready=$(( ($(date +%s%N) - start) / 1000000 ))
    # Steady state: once listening and done mapping the index (storage/index_warmer.hpp).
    for _ in $(seq 6000); do grep -q "msg=\"index warmed\"" "$2/serve.log" && break; sleep 0.01; done
    warmed=$(( ($(date +%s%N) - start) / 1000000 ))
    pmd=$(awk "/FilePmdMapped/ {print \$2}" /proc/$pid/smaps_rollup)
    t0=$(awk "{print \$14 + \$15}" /proc/$pid/stat)
    BENCH_LUA=$3/wrk BENCH_BODY=$2/req-sha1.der BENCH_COUNT=$4 \
      wrk -t2 -c50 -d10s -s "$3/wrk/random.lua" http://127.0.0.1:18080/ >"$2/wrk.out" 2>&1
    t1=$(awk "{print \$14 + \$15}" /proc/$pid/stat)
    rss=$(awk "/RssAnon/ {print \$2}" /proc/$pid/status)
    kill $pid; wait $pid || true
    n=$(awk "/requests in/ {print \$1}" "$2/wrk.out")
    echo "$(awk "/Requests\/sec/ {print \$2}" "$2/wrk.out") $(( (t1 - t0) * 1000000 / $(getconf CLK_TCK) / n )) $rss ${pmd:-0} $ready $warmed"' \
    _ "$tanda" "$dir" "$here" "$n")" | tee -a "$work/rows"
}

: >"$work/rows"
if [ "$import_only" = 1 ]; then
  for n in $small ${sizes//,/ }; do
    prepare "$n"; reimport "$n"
    rm -rf "$work/n$n"  # the disk: 10M is about 4 GB of fixtures and index
  done
  exit 0
fi
prepare $small
prepare "$big"
# Interleaved rounds, medians: one run of each is at the mercy of a shared VM's moment
# (single 10 s runs of the same index differed by 15% here).
for round in 1 2 3; do
  for n in $small "$big"; do lookups "$n"; daemon "$n"; done
done

/usr/bin/python3 - "$work/rows" "$small" "$big" >"$out" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
small, big = int(sys.argv[2]), int(sys.argv[3])
def pick(kind, n, col):
    return [float(r[col]) for r in rows if r[0] == kind and int(r[1]) == n]
def med(kind, n, col):
    return statistics.median(pick(kind, n, col))
print("## Scale\n")
print("`bench/scale.sh` (as root): a synthetic index.txt, imported with `tanda import`; index "
      "lookups of random registered serials on 2 threads for 5 s (`tanda-bench-lookup`, no "
      "HTTP, after the warm-up walk the daemon makes at start); the daemon, once it has mapped the index (its `index warmed` log line), with "
      "`responder.cache_entries: 0` under `wrk -t2 -c50 -d10s` POSTs of random serials (every "
      "answer looked up and signed), with its CPU time per answer; the daemon's RssAnon "
      "(resident memory outside the page cache, so LMDB's mapped file is not counted) after "
      "that load; how much of the index the daemon had mapped in 2 MiB pages (`FilePmdMapped`). "
      "Lookups and daemon runs are 3 interleaved rounds of both sizes; medians, each round's "
      "figures below the table.\n")
print("Start-up, from a cold page cache (dropped before each start, as after a reboot): from "
      "`tanda serve` starting until `/readyz` answers 200, and until the warm-up "
      "walk over the index is done (`index warmed`); answers are served from `/readyz` on, "
      "the walk only brings the index into the page cache.\n")
print("| certificates | import s | import peak RSS MiB | index lookups/s | OCSP answers/s (no cache) | daemon CPU µs/answer | daemon RssAnon MiB | ready s | warmed s |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for n in (small, big):
    imp = [r for r in rows if r[0] == "import" and int(r[1]) == n][0]
    print(f"| {n:,} | {float(imp[2]):.1f} | {int(imp[3]) / 1024:.0f} | {med('lookups', n, 2):,.0f} | "
          f"{med('daemon', n, 2):,.0f} | {med('daemon', n, 3):.0f} | {max(pick('daemon', n, 4)) / 1024:.0f} | "
          f"{med('daemon', n, 6) / 1000:.2f} | {med('daemon', n, 7) / 1000:.2f} |")
print()
for n in (small, big):
    print(f"Rounds at {n:,}: lookups/s " + ", ".join(f"{v:,.0f}" for v in pick('lookups', n, 2)) +
          "; answers/s " + ", ".join(f"{v:,.0f}" for v in pick('daemon', n, 2)) +
          "; µs/answer " + ", ".join(f"{v:.0f}" for v in pick('daemon', n, 3)) +
          "; index mapped in 2 MiB pages (MiB) " +
          ", ".join(f"{v / 1024:,.0f}" for v in pick('daemon', n, 5)) + ".")
label = f"{big // 1000000}M" if big >= 1000000 else f"{big // 1000}k"
print(f"\nlookup_ratio_{label}_vs_10k={med('lookups', big, 2) / med('lookups', small, 2):.2f} "
      f"answers_ratio={med('daemon', big, 2) / med('daemon', small, 2):.2f}")
PY
/usr/bin/python3 "$here/put_section.py" "$here/RESULTS.md" "$out"
cat "$out"
