#!/usr/bin/env bash
# Abuse and limits: how fast a normal client is served while abusive clients attack, and how
# much memory Tanda takes meanwhile. Loopback only, bounded in time, a fresh tanda per attack.
# For each attack: wrk (the normal client: GET of one cached answer) runs DURATION_S without the
# attack, then DURATION_S with it (after the attacker had 2 s to build up), then DURATION_S
# without it again (recovery); the attack pairs are interleaved with their baselines because
# the machine is shared and figures drift. tanda's RSS is sampled from /proc every 0.1 s.
# Usage: bench/abuse.sh [DURATION_S [ROUNDS]]    defaults 5 1
# Needs: wrk, python3, a built tanda (TANDA_BIN, default build/cli/tanda) and
# tanda-bench-fixtures (default next to it in build/bench).
# Prints one line per attack and round:
#   ABUSE attack normal_rps_without normal_rps_with ratio rps_after peak_rss_mib base_rss_mib attacker-stats
set -euo pipefail
duration=${1:-5} rounds=${2:-1}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
tanda=${TANDA_BIN:-$root/build/cli/tanda}
fixtures=${TANDA_FIXTURES:-$(dirname "$(dirname "$tanda")")/bench/tanda-bench-fixtures}
port=${ABUSE_PORT:-18181}
cap=1000
work=$(mktemp -d /tmp/tanda-abuse.XXXXXX)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$fixtures" --dir "$work/f" --key ec --count 1000 --port "$port" >/dev/null
# Limits made small enough to reach in a short run: the cap, and deadlines of a few seconds.
cat >"$work/f/tanda.yaml" <<YAML
listen:
  address: 127.0.0.1
  port: $port
  threads: 2
  max_connections: $cap
  header_timeout: 5s
  body_timeout: 5s
  write_timeout: 5s
  idle_timeout: 10s
storage:
  path: data
  map_size: 1GiB
cas:
  - name: bench
    issuer_certificate: ca.pem
    signer_certificate: signer.pem
    signer_key: signer.key
    response_validity: 1d
YAML
"$tanda" import --config "$work/f/tanda.yaml" --ca bench --index "$work/f/index.txt" >/dev/null 2>&1
path=/$(base64 -w0 "$work/f/req-sha1.der")
url=http://127.0.0.1:$port$path
export BENCH_LUA=$here/wrk

start_tanda() {
  "$tanda" serve --config "$work/f/tanda.yaml" 2>"$work/server.log" &
  pid=$!
  for _ in $(seq 200); do
    grep -q "msg=listening" "$work/server.log" && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.05
  done
  curl -s -o /dev/null "$url"
}
stop_tanda() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; }
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0; }
normal_rps() {  # the normal client: 8 connections, one thread, 2 s timeout per request
  wrk -t1 -c8 -d"${duration}s" --timeout 2s -s "$here/wrk/get.lua" "$url" 2>&1 |
    awk '/Requests\/sec/ {print $2}'
}

attacks=(slowloris:1500 flood:1500 idle:900 huge:16 pipeline:64)
for r in $(seq "$rounds"); do
  for entry in "${attacks[@]}"; do
    attack=${entry%%:*} conns=${entry##*:}
    start_tanda
    base_rss=$(rss_kib)
    before=$(normal_rps)
    python3 "$here/abuse_attacker.py" "$attack" "$port" $((duration + 4)) "$conns" "$path" \
      >"$work/attacker.out" 2>&1 &
    attacker=$!
    peak=$base_rss
    ( while kill -0 "$attacker" 2>/dev/null; do rss_kib; sleep 0.1; done ) >"$work/rss.txt" &
    sampler=$!
    sleep 2
    during=$(normal_rps)
    wait "$attacker" || true
    wait "$sampler" || true
    peak=$(sort -n "$work/rss.txt" | tail -1)
    kill -0 "$pid" 2>/dev/null || { echo "tanda died during $attack" >&2; cat "$work/server.log" >&2; exit 1; }
    after=$(normal_rps)
    stop_tanda
    awk -v a="$attack" -v b="${before:-0}" -v d="${during:-0}" -v f="${after:-0}" \
        -v p="${peak:-0}" -v s="${base_rss:-0}" -v st="$(tail -1 "$work/attacker.out")" '
      BEGIN { printf "ABUSE %s %.0f %.0f %.2f %.0f %.1f %.1f %s\n", a, b, d, (b > 0 ? d / b : 0), f,
                     p / 1024, s / 1024, st }'
  done
done
