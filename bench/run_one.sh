#!/usr/bin/env bash
# One benchmark run: start one server, wait until it listens (without connecting), load it with
# wrk, measure its CPU, stop it by PID. compare.sh runs this inside `unshare -n`, so every run
# has a fresh network namespace with only loopback: nothing is reachable from outside, even
# `openssl ocsp`, which cannot bind to one address.
#   run_one.sh KIND FIXTURE_DIR DURATION_S [RATE]
# Prints: RESULT kind rps p50_us p99_us cpu_us_per_request requests trylater
set -euo pipefail
kind=$1 dir=$2 duration=$3 rate=${4:-0}
here=$(cd "$(dirname "$0")" && pwd)
tanda=${TANDA_BIN:-$here/../build-release/cli/tanda}
port=18080
ip link set lo up
export BENCH_LUA=$here/wrk BENCH_RATE=$rate BENCH_CONNECTIONS=50
export BENCH_BODY=$dir/req-sha1.der BENCH_BODY_NONCE_OFFSET=$dir/nonce.offset
url=http://127.0.0.1:$port/
script=$here/wrk/post.lua
work=$(mktemp -d)
case $kind in
  tanda-get|tanda-post|tanda-nonce)
    "$tanda" serve --config "$dir/tanda.yaml" 2>"$work/server.log" &
    pid=$!
    case $kind in
      tanda-get) url=$url$(base64 -w0 "$dir/req-sha1.der"); script=$here/wrk/get.lua ;;
      tanda-nonce) script=$here/wrk/nonce.lua; BENCH_BODY=$dir/req-nonce.der ;;
    esac ;;
  openssl)
    openssl ocsp -index "$dir/index.txt" -port $port -rsigner "$dir/signer.pem" \
      -rkey "$dir/signer.key" -CA "$dir/ca.pem" -nmin 1440 >"$work/server.log" 2>&1 &
    pid=$! ;;
  cfssl)
    cfssl ocspserve -address 127.0.0.1 -port $port -responses "$dir/cfssl-responses.txt" \
      >"$work/server.log" 2>&1 &
    pid=$! ;;
  nginx)
    mkdir -p "$work/logs"
    cat >"$work/nginx.conf" <<CONF
daemon off;
worker_processes auto;
pid $work/nginx.pid;
error_log $work/logs/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  default_type application/ocsp-response;
  server {
    listen 127.0.0.1:$port;
    location / { root $dir; try_files /static-response.der =404; }
  }
}
CONF
    nginx -c "$work/nginx.conf" -p "$work" &
    pid=$!
    url=$url$(base64 -w0 "$dir/req-sha1.der"); script=$here/wrk/get.lua ;;
  *) echo "run_one: unknown kind $kind" >&2; exit 2 ;;
esac
stop() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap stop EXIT

for _ in $(seq 600); do
  ss -Hltn "sport = :$port" | grep -q . && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done
# Warm what a cache would hold (not for openssl, which a lone connection can wedge).
case $kind in
  tanda-get|nginx) curl -s -o /dev/null "$url" ;;
  tanda-post) curl -s -o /dev/null -H 'Content-Type: application/ocsp-request' --data-binary @"$dir/req-sha1.der" "$url" ;;
esac

ticks() {  # utime+stime of the server and its children, in clock ticks
  local t=0 p
  for p in $pid $(pgrep -P "$pid" || true); do
    t=$((t + $(awk '{print $14 + $15}' /proc/$p/stat)))
  done
  echo $t
}
before=$(ticks)
wrk -t2 -c50 -d"${duration}s" --latency -s "$script" "$url" >"$work/wrk.out" 2>&1
after=$(ticks)
# tryLater answers, from the server's own counter (metrics listener on its default port); the
# other servers never answer tryLater. A run whose metrics cannot be read reports -1.
case $kind in
  tanda-*) { curl -s --max-time 5 http://127.0.0.1:9102/metrics || echo unreadable; } |
             awk '/^unreadable/ { bad = 1 }
                  /^tanda_ocsp_requests_total\{.*outcome="try_later"/ { n += $NF }
                  END { printf "TRYLATER %d\n", bad ? -1 : n }' >>"$work/wrk.out" ;;
esac
hz=$(getconf CLK_TCK)
awk -v kind="$kind" -v cpu=$((after - before)) -v hz="$hz" '
  function us(v) { if (v ~ /us$/) return v + 0; if (v ~ /ms$/) return v * 1000; if (v ~ /s$/) return v * 1e6; return v }
  /requests in/ { n = $1 }
  /Requests\/sec/ { rps = $2 }
  /^ +50%/ { p50 = us($2) }
  /^ +99%/ { p99 = us($2) }
  /^TRYLATER/ { tl = $2 }
  END { printf "RESULT %s %.0f %.0f %.0f %.2f %d %d\n", kind, rps, p50, p99, (n ? cpu * 1e6 / hz / n : 0), n, tl }
' "$work/wrk.out"
