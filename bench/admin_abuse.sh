#!/usr/bin/env bash
# Can an operator still use the admin API while someone without credentials floods it? (issue
# 15, part 3). A fresh `tanda serve` with an admin listener on default limits; an attacker
# (bench/admin_abuse_attacker.py) holds IDLE silent TCP connections and SLOW TLS handshakes
# (a ClientHello trickled a byte a second) from one source, reopening each one the server
# closes; meanwhile an operator runs `tanda admin journal --limit 1` on a fresh connection once
# a second. Loopback only, bounded: DURATION_S of attack plus ~10 s of setup; kills only the
# processes it started.
# Usage: bench/admin_abuse.sh [DURATION_S [SOURCE [IDLE [SLOW]]]]   defaults 60 127.0.0.2 1000 100
#   SOURCE is the attacker's address (127.0.0.1: the operator's own address, the worst case).
#   TANDA_IO_BACKEND=epoll picks the backend as for `tanda serve`.
# Needs: python3, a built tanda (TANDA_BIN, default build/cli/tanda).
# Prints one line per operator call, then:
#   ADMIN_ABUSE backend calls ok p50_ms p90_ms max_ms blocks evicted open_admin_mid rss_mib
#   (open_admin_mid: the admin listener's open connections halfway through the attack)
#   ATTACK ... (the attacker's counts)
set -euo pipefail
duration=${1:-60} source=${2:-127.0.0.2} idle=${3:-1000} slow=${4:-100}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
tanda=${TANDA_BIN:-$root/build/cli/tanda}
work=$(mktemp -d /tmp/tanda-admin-abuse.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

wait_for() {  # wait_for FILE REGEX PID: until the log matches, or fail if PID dies
  for _ in $(seq 400); do
    grep -qE "$2" "$1" && return 0
    kill -0 "$3" 2>/dev/null || { cat "$1" >&2; exit 1; }
    sleep 0.05
  done
  echo "timed out waiting for '$2' in $1" >&2; cat "$1" >&2; exit 1
}

# The demo writes a CA, an admin CA with operator and auditor certificates, and a config.
"$tanda" demo --dir "$work/d" --port 0 >"$work/demo.out" 2>"$work/demo.log" &
demo=$!; pids+=("$demo")
wait_for "$work/demo.log" "msg=listening" "$demo"
kill "$demo"; wait "$demo" 2>/dev/null || true
sed -i 's/^    port: 8443$/    port: 0/' "$work/d/tanda.yaml"
printf 'metrics:\n  listen:\n    port: 0\n' >>"$work/d/tanda.yaml"

"$tanda" serve --config "$work/d/tanda.yaml" 2>"$work/serve.log" &
server=$!; pids+=("$server")
wait_for "$work/serve.log" "msg=listening" "$server"
admin_port=$(grep -oE 'msg="admin listening".* port=[0-9]+' "$work/serve.log" | grep -oE '[0-9]+$')
metrics_port=$(grep -oE 'msg="metrics listening".* port=[0-9]+' "$work/serve.log" |
               grep -oE '[0-9]+$')
operator() {
  timeout 10 "$tanda" admin journal --since 1 --limit 1 --url "https://127.0.0.1:$admin_port" \
    --cert "$work/d/operator.pem" --key "$work/d/operator.key" --cacert "$work/d/admin-ca.pem" \
    >/dev/null 2>>"$work/operator.err"
}
operator || { echo "the operator cannot reach the admin API even before the attack" >&2;
              cat "$work/operator.err" >&2; exit 1; }

python3 "$here/admin_abuse_attacker.py" "$admin_port" "$((duration + 2))" "$idle" "$slow" \
  "$source" >"$work/attacker.out" 2>&1 &
attacker=$!; pids+=("$attacker")
sleep 2  # let the attacker build up
metric() {
  curl -s "http://127.0.0.1:$metrics_port/metrics" | awk -v m="$1" '$1 == m {print $2}'
}
: >"$work/calls.txt"
open_admin=""
for i in $(seq "$duration"); do
  start=$(date +%s%N)
  if operator; then ok=1; else ok=0; fi
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  echo "call $i ok=$ok ms=$ms"
  echo "$ok $ms" >>"$work/calls.txt"
  if [ "$i" -eq $((duration / 2)) ]; then
    open_admin=$(metric 'tanda_http_open_connections{listener="admin"}')
  fi
  if [ "$ms" -lt 1000 ]; then sleep "0.$(printf '%03d' $((1000 - ms)))"; fi
done
blocks=$(metric tanda_admin_blocks_total)
evicted=$(metric tanda_admin_tls_handshakes_evicted_total)
refused=$(metric 'tanda_http_connections_refused_total{listener="admin"}')
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$server/status")
wait "$attacker" || true
kill -0 "$server" 2>/dev/null || { echo "tanda died during the attack" >&2; tail "$work/serve.log" >&2; exit 1; }
backend=$(grep -oE 'io_backend=[a-z_]+' "$work/serve.log" | head -1 | cut -d= -f2)
sort -n -k2 "$work/calls.txt" | awk -v be="$backend" -v b="$blocks" -v e="$evicted" -v f="$refused" -v o="$open_admin" -v r="$rss" '
  { ok += $1; ms[NR] = $2 }
  END { printf "ADMIN_ABUSE backend=%s calls=%d ok=%d p50_ms=%d p90_ms=%d max_ms=%d blocks=%s evicted=%s refused_at_cap=%s open_admin_mid=%s rss_mib=%.1f\n",
               be, NR, ok, ms[int(NR * 0.5 + 0.5)], ms[int(NR * 0.9 + 0.5)], ms[NR], b, e, f, o, r / 1024 }'
cat "$work/attacker.out"
if [ -s "$work/operator.err" ]; then
  echo "operator errors:"; sort "$work/operator.err" | uniq -c | sort -rn | awk 'NR <= 5'
fi
