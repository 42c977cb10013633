#!/usr/bin/env bash
# Tanda at scale: a synthetic index.txt of N certificates (default 10 million) against 10
# thousand. Measures the import (time, peak RSS), index lookups per second on random serials
# (tanda-bench-lookup, no HTTP), the daemon under random-serial POSTs with the answer cache off,
# and the daemon's resident memory without the page cache (RssAnon). Writes the "Scale"
# section of bench/RESULTS.md. Usage (as root): bench/scale.sh [N]
set -euo pipefail
big=${1:-10000000} small=10000
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=$root/build-release
for p in wrk time iproute2; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p" >/dev/null
done
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTANDA_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target tanda tanda-bench-fixtures tanda-bench-lookup >/dev/null
tanda=$build/cli/tanda
work=$(mktemp -d /tmp/tanda-scale.XXXXXX)
trap 'rm -rf "$work"' EXIT
out=$work/scale.md

measure() {  # N
  local n=$1 dir=$work/n$1
  "$build/bench/tanda-bench-fixtures" --dir "$dir" --count "$n" --no-cache >/dev/null
  /usr/bin/time -f "%e %M" -o "$dir/import.time" \
    "$tanda" import --config "$dir/tanda.yaml" --ca bench --index "$dir/index.txt" >/dev/null 2>&1
  read -r secs rss_kib <"$dir/import.time"
  local lookups
  lookups=$("$build/bench/tanda-bench-lookup" --db "$dir/data" --count "$n" --threads 2 --seconds 5 |
            sed -n 's/.*lookups_per_s=\([0-9]*\).*/\1/p')
  # The daemon under random-serial load, every answer a cache miss, in its own namespace.
  local served
  served=$(unshare -n bash -c '
    ip link set lo up
    "$1" serve --config "$2/tanda.yaml" 2>"$2/serve.log" & pid=$!
    # Steady state: once listening and done mapping the index (cli/index_warmer.hpp).
    for _ in $(seq 600); do grep -q "msg=\"index warmed\"" "$2/serve.log" && break; sleep 0.1; done
    BENCH_LUA=$3/wrk BENCH_BODY=$2/req-sha1.der BENCH_COUNT=$4 \
      wrk -t2 -c50 -d10s -s "$3/wrk/random.lua" http://127.0.0.1:18080/ >"$2/wrk.out" 2>&1
    rss=$(awk "/RssAnon/ {print \$2}" /proc/$pid/status)
    kill $pid; wait $pid || true
    echo "$(awk "/Requests\/sec/ {print \$2}" "$2/wrk.out") $rss"' _ "$tanda" "$dir" "$here" "$n")
  echo "$n $secs $rss_kib $lookups $served" | tee -a "$work/rows"
}
: >"$work/rows"
measure $small
measure "$big"

/usr/bin/python3 - "$work/rows" "$big" >"$out" <<'PY'
import sys
rows = {int(r.split()[0]): r.split() for r in open(sys.argv[1])}
small, big = rows[10000], rows[int(sys.argv[2])]
print("## Scale\n")
print("`bench/scale.sh` (as root): a synthetic index.txt, imported with `tanda import`; index "
      "lookups of random registered serials on 2 threads (`tanda-bench-lookup`, no HTTP); the "
      "daemon, once it has mapped the index (its `index warmed` log line), with "
      "`responder.cache_entries: 0` under `wrk -t2 -c50 -d10s` POSTs of random "
      "serials (every answer looked up and signed); the daemon's RssAnon (resident memory "
      "outside the page cache, so LMDB's mapped file is not counted) after that load.\n")
print("| certificates | import s | import peak RSS MiB | index lookups/s | OCSP answers/s (no cache) | daemon RssAnon MiB |")
print("|---:|---:|---:|---:|---:|---:|")
for r in (small, big):
    print(f"| {int(r[0]):,} | {float(r[1]):.1f} | {int(r[2]) / 1024:.0f} | {int(r[3]):,} | "
          f"{float(r[4]):,.0f} | {int(r[5]) / 1024:.0f} |")
print(f"\nlookup_ratio_{int(big[0]) // 1000000}M_vs_10k={int(big[3]) / int(small[3]):.2f} "
      f"answers_ratio={float(big[4]) / float(small[4]):.2f}")
PY
/usr/bin/python3 "$here/put_section.py" "$here/RESULTS.md" "$out"
cat "$out"
