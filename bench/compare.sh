#!/usr/bin/env bash
# Tanda against its peers on this machine, in one run: requests/s, p50/p99 latency and server
# CPU per request for Tanda (cached GET, cached POST, nonce POST), `openssl ocsp` (signs every
# answer), `cfssl ocspserve` (pre-signed answers without certificates) and nginx serving
# Tanda's answer bytes as a static file. Runs are interleaved, each with a fresh server in its
# own network namespace (bench/run_one.sh). Writes the "OCSP against peers" section of
# bench/RESULTS.md; the last line printed is
#   cached_vs_nginx=R1 cpu_vs_nginx=R2 vs_openssl=R3 vs_cfssl=R4 nonce_vs_sign_limit=R5
# Usage (as root): bench/compare.sh [ROUNDS [DURATION_S [CERTIFICATES]]]   defaults 3 10 100000
set -euo pipefail
rounds=${1:-3} duration=${2:-10} count=${3:-100000}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
[ "$(id -u)" -eq 0 ] || { echo "compare.sh: run as root (network namespaces)" >&2; exit 1; }

# Peers and load generator. Debian starts nginx when it is installed: forbid that for the
# install (restoring whatever policy was there), we start our own on loopback only.
need=()
for p in wrk nginx-light golang-cfssl iproute2 curl; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  policy=/usr/sbin/policy-rc.d saved=""
  [ -e $policy ] && saved=$(mktemp) && cp -p $policy "$saved"
  printf '#!/bin/sh\nexit 101\n' >$policy && chmod +x $policy
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
  if [ -n "$saved" ]; then mv "$saved" $policy; else rm -f $policy; fi
fi

build=$root/build-release
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTANDA_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target tanda tanda-bench-fixtures >/dev/null
export TANDA_BIN=$build/cli/tanda

work=$(mktemp -d /tmp/tanda-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "== fixtures: $count certificates per CA in $work"
"$build/bench/tanda-bench-fixtures" --dir "$work/ec" --key ec --count "$count" --cfssl
"$build/bench/tanda-bench-fixtures" --dir "$work/rsa" --key rsa --count "$count"
for k in ec rsa; do
  "$TANDA_BIN" import --config "$work/$k/tanda.yaml" --ca bench --index "$work/$k/index.txt" >/dev/null 2>&1
done
# nginx serves exactly the bytes Tanda's cache serves for the hot request.
unshare -n bash -c '
  ip link set lo up
  "$TANDA_BIN" serve --config "$1/tanda.yaml" 2>"$1/serve.log" & pid=$!
  for _ in $(seq 100); do ss -Hltn "sport = :18080" | grep -q . && break; sleep 0.1; done
  curl -s -o "$1/static-response.der" "http://127.0.0.1:18080/$(base64 -w0 "$1/req-sha1.der")"
  kill $pid; wait $pid || true' _ "$work/ec"
# Which I/O backend `tanda serve` chose here (README, "How answers are produced"), for RESULTS.md.
io_backend=$(grep -o 'io_backend=[a-z_]*' "$work/ec/serve.log" | head -n 1 | cut -d= -f2)
echo "== tanda serves on ${io_backend:?no io_backend in $work/ec/serve.log}"

echo "== openssl speed ecdsap256 (one core)"
speed=$(openssl speed -seconds 5 ecdsap256 2>/dev/null | awk '/nistp256/ {print $(NF-1)}')
echo "ECDSA P-256 signs/s: $speed"

runs=$work/runs.txt
: >"$runs"
kinds=(tanda-get:ec nginx:ec tanda-post:ec cfssl:ec openssl:ec tanda-nonce:ec tanda-nonce:rsa openssl:rsa)
for r in $(seq "$rounds"); do
  for entry in "${kinds[@]}"; do
    kind=${entry%%:*} key=${entry##*:}
    line=$(unshare -n "$here/run_one.sh" "$kind" "$work/$key" "$duration")
    echo "round $r $key $line" | tee -a "$runs"
  done
done
# p99 when Tanda's cached GET runs at half of its median peak rate.
peak=$(awk '$3 == "ec" && $5 == "tanda-get" {print $6}' "$runs" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
half=$(unshare -n "$here/run_one.sh" tanda-get "$work/ec" "$duration" $((peak / 2)))
echo "half-load $half" | tee -a "$runs"

/usr/bin/python3 "$here/summarize.py" "$runs" "$speed" "$rounds" "$duration" "$count" "$io_backend" \
  >"$work/ocsp.md"
/usr/bin/python3 "$here/put_section.py" "$here/RESULTS.md" "$work/ocsp.md"
tail -n 1 "$work/ocsp.md"
