#!/usr/bin/env bash
# One soak run of bench/soak.sh on one I/O backend, inside `unshare -n` (loopback only): a
# fresh `tanda serve` with its public, admin and metrics listeners on default limits. First
# its peak rate per honest kind (cached GET, cached POST, nonce POST) for 5 s each; then, all
# at once for DURATION_S: the three honest kinds paced at a sixth of their peak each (together
# half of what the server can do), fresh-connection probes every 100 ms, churn, slowloris,
# partial-header and idle floods on the public port, idle TCP and slow TLS handshake floods
# from 127.0.0.2 on the admin port, and an operator's revocation every second. Then it checks
# that every acknowledged revocation reads revoked over OCSP. The same mix runs 30 s first as a
# warm-up; the start figures are read after it.
#   soak_one.sh BACKEND FIXTURE_DIR DURATION_S
# Answered: wrk's 2xx answers over its requests plus its socket errors (timeouts included).
# Prints notes ("# ...") and one line (SOAK BACKEND died=PHASE exit_status=N ... when tanda
# did not survive):
#   SOAK backend answered=A/T share=S p99_ms=get/post/nonce try_later=N wedges=W outage_s=O
#        fds=B->E public_conns=B->E admin_conns=B->E rss_mib=B->E file_mib=B->E rss_cold_mib=C
#   (rss_mib: RssAnon, the heap; file_mib: RssFile, LMDB's map and the libraries)
#        revocations=acked/visible
set -euo pipefail
backend=$1 dir=$2 duration=$3
here=$(cd "$(dirname "$0")" && pwd)
tanda=${TANDA_BIN:?TANDA_BIN names the tanda binary}
port=18080 admin_port=18443 metrics_port=9102
ip link set lo up
work=$(mktemp -d /tmp/tanda-soak-run.XXXXXX)
pids=()
stop() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap stop EXIT

TANDA_IO_BACKEND=$backend "$tanda" serve --config "$dir/tanda.yaml" 2>"$work/serve.log" &
server=$!; pids+=("$server")
for _ in $(seq 300); do
  grep -q 'msg="admin listening"' "$work/serve.log" && grep -q 'msg=listening' "$work/serve.log" && break
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.1
done
grep -q "io_backend=$backend" "$work/serve.log" ||
  { echo "soak: tanda did not start on $backend" >&2; head -3 "$work/serve.log" >&2; exit 1; }

path=/$(base64 -w0 "$dir/req-sha1.der")
url=http://127.0.0.1:$port/
export BENCH_LUA=$here/wrk BENCH_BODY_NONCE_OFFSET=$dir/nonce.offset
honest() {  # honest KIND SECONDS RATE CONNECTIONS: one wrk run, its output on stdout
  local script=$here/wrk/post.lua target=$url body=$dir/req-sha1.der
  case $1 in
    get) script=$here/wrk/get.lua target=$url${path#/} ;;
    nonce) script=$here/wrk/nonce.lua body=$dir/req-nonce.der ;;
  esac
  BENCH_BODY=$body BENCH_RATE=$3 BENCH_CONNECTIONS=$4 \
    wrk -t1 -c"$4" -d"$2s" --timeout 2s --latency -s "$script" "$target" 2>&1
}
metric() {  # metric REGEX: the sum of the samples whose name{labels} match, -1 if unreadable
  { curl -s --max-time 5 "http://127.0.0.1:$metrics_port/metrics" || echo unreadable; } |
    awk -v m="$1" '/^unreadable/ { bad = 1 } $1 ~ m { v += $2 } END { print bad ? -1 : v + 0 }'
}
public='^tanda_http_open_connections[{]listener="public"[}]$'
admin='^tanda_http_open_connections[{]listener="admin"[}]$'
state() {  # file descriptors, public and admin connection gauges, then RssAnon and RssFile in
  # KiB: the heap is what a leak grows; the file pages are LMDB's map and the libraries, which
  # grow with the revocations written and are page cache the kernel can take back. The liveness
  # probe holds a loopback connection (two descriptors) for a moment every second: the least
  # of five samples is the resting count.
  for _ in 1 2 3 4 5; do
    echo "$(ls "/proc/$server/fd" | wc -l) $(metric "$public") $(metric "$admin")"
    sleep 0.2
  done | sort -n | awk 'NR == 1 || $1 < f { f = $1 } NR == 1 || $2 < p { p = $2 }
                        NR == 1 || $3 < a { a = $3 } END { printf "%d %d %d ", f, p, a }'
  awk '/^RssAnon/ { a = $2 } /^RssFile/ { f = $2 } END { print a, f }' "/proc/$server/status"
}
settle() {  # until no client connection is left open (at most 20 s): keep-alive ends, floods close
  for _ in $(seq 200); do
    [ "$(metric "$public")" = 0 ] && [ "$(metric "$admin")" = 0 ] && break
    sleep 0.1
  done
}

declare -A peak
for kind in get post nonce; do
  peak[$kind]=$(honest "$kind" 5 0 50 | awk '/Requests\/sec/ {printf "%d", $2}')
done
# mix SECONDS: honest load, probes, every attack and a revocation a second, all at once.
: >"$work/acked.txt"
i=0
mix() {
  local seconds=$1 kind attack end t0 left serial prober
  for kind in get post nonce; do
    honest "$kind" "$seconds" $((peak[$kind] / 6)) 10 >"$work/wrk-$kind.out" &
    pids+=("$!")
  done
  python3 "$here/soak_prober.py" "$port" "$path" "$seconds" "$work/probes.txt" >"$work/probes.out" &
  prober=$!; pids+=("$prober")
  for attack in churn:8 slowloris:300 partial:1000 idle:1000; do
    python3 "$here/abuse_attacker.py" "${attack%%:*}" "$port" "$seconds" "${attack##*:}" "$path" \
      >"$work/attack-${attack%%:*}.out" 2>&1 &
    pids+=("$!")
  done
  python3 "$here/admin_abuse_attacker.py" "$admin_port" "$seconds" 1000 100 127.0.0.2 \
    >"$work/attack-admin.out" 2>&1 &
  pids+=("$!")
  # An operator's revocation every second, each a fresh `tanda admin revoke` over mutual TLS.
  end=$((SECONDS + seconds))
  while [ $SECONDS -lt $end ] && kill -0 "$server" 2>/dev/null; do
    i=$((i + 1)) serial=$(printf '7E5AC%04X' "$i")
    t0=$(date +%s%N)
    if timeout 10 "$tanda" admin revoke --url "https://127.0.0.1:$admin_port" --cacert "$dir/admin-ca.pem" \
         --cert "$dir/operator.pem" --key "$dir/operator.key" --request-id "soak-$i" --ca bench \
         --serial "$serial" --reason keyCompromise --subject-dn "CN=Soak $i,O=Tanda Bench" \
         --requested-by "Soak Holder" --approved-by "Soak Supervisor" \
         --approved-at "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --evidence "$dir/letter.txt" \
         >/dev/null 2>"$work/revoke.last"; then
      echo "$serial" >>"$work/acked.txt"
    else  # stderr only of the calls that failed: a success prints the holder's status token there
      cat "$work/revoke.last" >>"$work/revoke.err"
    fi
    left=$(( 1000 - ($(date +%s%N) - t0) / 1000000 ))
    if [ "$left" -gt 0 ]; then sleep "0.$(printf '%03d' "$left")"; fi
  done
  wait "$prober"
  sleep 4  # the attackers stop on their own within 3 s of the end
  if ! kill -0 "$server" 2>/dev/null; then
    wait "$server" && status=0 || status=$?
    for f in "$work"/attack-*.out "$work/probes.out"; do echo "# $(tail -n 1 "$f")"; done
    echo "# $backend: tanda exited with status $status during the $2; its log ends:"
    tail -n 3 "$work/serve.log" | sed 's/^/#   /'
    echo "SOAK $backend died=$2 exit_status=$status revocations=$(wc -l <"$work/acked.txt")/0"
    exit 0
  fi
  settle
}

# Warm-up: the same mix for 30 s, so that the heap's first growth to its working size (buffers
# of thousands of connections at once) is not taken for drift. Start is read after it.
settle
rss_cold=$(awk '/^RssAnon/ {print $2}' "/proc/$server/status")
mix 30 warm-up
read -r fd0 pub0 adm0 rss0 file0 <<<"$(state)"
tl0=$(metric '^tanda_ocsp_requests_total[{].*outcome="try_later"')
mix "$duration" soak
try_later=$(( $(metric '^tanda_ocsp_requests_total[{].*outcome="try_later"') - tl0 ))
read -r fd1 pub1 adm1 rss1 file1 <<<"$(state)"

visible=0
while read -r serial; do
  openssl ocsp -issuer "$dir/ca.pem" -serial "0x$serial" -url "$url" -no_nonce \
    -noverify -timeout 5 2>/dev/null | grep -q ": revoked" &&
    visible=$((visible + 1))
done <"$work/acked.txt"

for kind in get post nonce; do
  awk -v k="$kind" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    / requests in / { n = $1 }
    /Non-2xx/ { non2xx += $NF }
    /Socket errors/ { for (i = 4; i <= NF; i += 2) { v = $i; sub(",", "", v); errors += v } }
    /^ +99%/ { p99 = ms($2) }
    END { printf "%s %d %d %.1f\n", k, n - non2xx, n + errors, p99 }' "$work/wrk-$kind.out"
done >"$work/honest.txt"
for f in "$work"/attack-*.out "$work/probes.out"; do echo "# $(tail -n 1 "$f")"; done
# awk, not head: head would stop reading and pipefail end the script on sort's SIGPIPE.
[ -s "$work/revoke.err" ] && { echo "# revoke errors:"; sort "$work/revoke.err" | uniq -c | sort -rn | awk 'NR <= 3 { print "#  " $0 }'; }
awk -v be="$backend" -v tl="$try_later" -v probes="$(tail -n 1 "$work/probes.out")" \
    -v st="fds=$fd0->$fd1 public_conns=$pub0->$pub1 admin_conns=$adm0->$adm1" \
    -v rss="$(awk -v a="$rss0" -v b="$rss1" 'BEGIN { printf "%.1f->%.1f", a / 1024, b / 1024 }')" \
    -v file="$(awk -v a="$file0" -v b="$file1" 'BEGIN { printf "%.1f->%.1f", a / 1024, b / 1024 }')" \
    -v cold="$(awk -v c="$rss_cold" 'BEGIN { printf "%.1f", c / 1024 }')" \
    -v rev="$(wc -l <"$work/acked.txt")/$visible" -v peaks="${peak[get]}/${peak[post]}/${peak[nonce]}" '
  { good += $2; n += $3; p99 = p99 (NR > 1 ? "/" : "") $4 }
  END {
    split(probes, p, " "); w = p[4]; o = p[5]; sub("wedges=", "", w); sub("longest_outage_s=", "", o)
    printf "SOAK %s answered=%d/%d share=%.5f p99_ms=%s peak_rps=%s try_later=%d wedges=%s outage_s=%s %s rss_mib=%s file_mib=%s rss_cold_mib=%s revocations=%s\n",
           be, good, n, (n ? good / n : 0), p99, peaks, tl, w, o, st, rss, file, cold, rev }' "$work/honest.txt"
