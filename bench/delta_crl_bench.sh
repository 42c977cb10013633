#!/usr/bin/env bash
# Delta CRLs after a mass revocation: N certificates registered, a base position taken, the same
# N revoked; then a delta CRL over those N changes, generated as the publisher does (into a file
# in state_dir) by tanda-bench-delta-crl, under /usr/bin/time -v for wall time and peak RSS.
# Each delta is verified with `openssl crl -verify`, and its entry count must be N.
#   bench/delta_crl_bench.sh [SIZES...]      (default: 1000000 10000000)
# BUILD: the build directory with cli/tanda and bench/tanda-bench-delta-crl (default: build).
# BEFORE: another tanda-bench-delta-crl to run on the same index (a before/after comparison).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${BUILD:-$here/../build}
tanda=$build/cli/tanda
benches=("$build/bench/tanda-bench-delta-crl")
[ -n "${BEFORE:-}" ] && benches+=("$BEFORE")
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000000 10000000)
work=$(mktemp -d /tmp/tanda-delta-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

. "$here/crl_bench_common.sh"

echo "| changes | binary | delta generation (whole process) | inside | peak RSS | delta bytes | sort runs |"
echo "|---:|---|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
    d=$work/$n
    mkdir -p "$d"
    make_bench_ca "$d"
    /usr/bin/python3 - "$n" "$d" <<'PY'
import sys
n, d = int(sys.argv[1]), sys.argv[2]
reasons = ["keyCompromise", "superseded", "cessationOfOperation", "affiliationChanged"]
with open(d + "/issued.txt", "w") as v, open(d + "/revoked.txt", "w") as r:
    for i in range(n):
        v.write(f"V\t351231000000Z\t\t7A{i:030X}\tunknown\t/CN=leaf {i}\n")
        r.write(f"R\t351231000000Z\t240301120000Z,{reasons[i % 4]}\t7A{i:030X}\tunknown\t/CN=leaf {i}\n")
PY
    write_bench_config "$d" 16GiB
    "$tanda" import --config "$d/tanda.yaml" --ca bench --index "$d/issued.txt" >/dev/null 2>&1
    base=$("${benches[0]}" "$d/tanda.yaml" bench)
    "$tanda" import --config "$d/tanda.yaml" --ca bench --index "$d/revoked.txt" >/dev/null 2>&1
    rm -f "$d/issued.txt" "$d/revoked.txt"
    for bin in "${benches[@]}"; do
        sync
        /usr/bin/time -v "$bin" "$d/tanda.yaml" bench "$base" >"$d/out" 2>"$d/time" ||
            { cat "$d/out" "$d/time" >&2; exit 1; }
        openssl crl -inform DER -in "$d/crl/bench-delta.crl" -CAfile "$d/ca.pem" -noout -verify \
            2>&1 | grep -q "verify OK" || { echo "delta does not verify: $bin" >&2; exit 1; }
        grep -q "delta CRL: $n entries" "$d/out" || { cat "$d/out" >&2; exit 1; }
        read -r s rss <<<"$(measure "$d/time")"
        inside=$(grep -o '[0-9.]* s' "$d/out" | head -1)
        runs=$(grep -o '[0-9]* sort runs' "$d/out" | cut -d' ' -f1 || true)
        echo "| $n | $([ "$bin" = "${benches[0]}" ] && echo this tree || echo BEFORE) | $s s | $inside | $rss MiB | $(stat -c %s "$d/crl/bench-delta.crl") | ${runs:--} |"
    done
    rm -rf "$d"
done
