#!/usr/bin/env bash
# CRL generation: Tanda (`tanda crl generate`, streamed from LMDB) against `openssl ca -gencrl`
# on the same CA and the same revoked certificates, in the same run, for each size given.
# Wall time and peak RSS come from /usr/bin/time -v; both CRLs are verified with openssl.
#   bench/crl_bench.sh [SIZES...]      (default: 100000 1000000)
# Writes bench/CRL-RESULTS.md, or CRL_RESULTS (and prints it). Needs a Release build: TANDA_BIN
# or build-crl-release/cli/tanda.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tanda=${TANDA_BIN:-$here/../build-crl-release/cli/tanda}
out=${CRL_RESULTS:-$here/CRL-RESULTS.md}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)
work=$(mktemp -d /tmp/tanda-crl-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
rows=()

. "$here/crl_bench_common.sh"

for n in "${sizes[@]}"; do
    d=$work/$n
    mkdir -p "$d"
    make_bench_ca "$d"  # one ECDSA P-256 CA
    # n revoked certificates: 16-byte serials, reasons cycling through the RFC 5280 codes.
    /usr/bin/python3 - "$n" "$d/index.txt" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
reasons = ["", "keyCompromise", "superseded", "cessationOfOperation", "affiliationChanged",
           "CACompromise"]
with open(path, "w") as f:
    for i in range(n):
        r = reasons[i % len(reasons)]
        rev = "240301120000Z" + ("," + r if r else "")
        f.write(f"R\t351231000000Z\t{rev}\t7A{i:030X}\tunknown\t/CN=leaf {i}\n")
PY
    echo "unique_subject = no" >"$d/index.txt.attr"
    echo 01 >"$d/crlnumber"
    cat >"$d/ca.cnf" <<CNF
[ ca ]
default_ca = bench
[ bench ]
database = $d/index.txt
certificate = $d/ca.pem
private_key = $d/ca.key
crlnumber = $d/crlnumber
default_md = sha256
default_crl_days = 7
crl_extensions = crl_ext
[ crl_ext ]
authorityKeyIdentifier = keyid:always
CNF
    write_bench_config "$d" 8GiB
    /usr/bin/time -v "$tanda" import --config "$d/tanda.yaml" --ca bench --index "$d/index.txt" \
        >/dev/null 2>"$d/import.time"
    /usr/bin/time -v "$tanda" crl generate --config "$d/tanda.yaml" --ca bench \
        >"$d/tanda.out" 2>"$d/tanda.time"
    /usr/bin/time -v openssl ca -config "$d/ca.cnf" -gencrl -out "$d/openssl.crl" \
        2>"$d/openssl.time" >/dev/null || { cat "$d/openssl.time" >&2; exit 1; }
    for crl in "$d/crl/bench.crl" "$d/openssl.crl"; do
        form=DER; [ "$crl" = "$d/openssl.crl" ] && form=PEM
        openssl crl -inform $form -in "$crl" -CAfile "$d/ca.pem" -noout -verify 2>&1 |
            grep -q "verify OK" || { echo "verification failed: $crl" >&2; exit 1; }
    done
    openssl crl -in "$d/openssl.crl" -outform DER -out "$d/openssl.der"
    read -r t_s t_rss <<<"$(measure "$d/tanda.time")"
    read -r o_s o_rss <<<"$(measure "$d/openssl.time")"
    read -r i_s i_rss <<<"$(measure "$d/import.time")"
    inner=$(grep -o '[0-9]* ms' "$d/tanda.out" | head -1)
    t_size=$(stat -c %s "$d/crl/bench.crl")
    o_size=$(stat -c %s "$d/openssl.der")
    rows+=("| $n | $t_s s ($inner inside) | $t_rss MiB | $o_s s | $o_rss MiB | $t_size / $o_size | $i_s s |")
    echo "n=$n tanda ${t_s}s ${t_rss}MiB (${inner}); openssl ${o_s}s ${o_rss}MiB; import ${i_s}s" >&2
    rm -rf "$d"
done

{
    echo "# CRL generation"
    echo
    echo "Recorded $(date -u '+%Y-%m-%d %H:%M') UTC at commit \`$(git -C "$here/.." rev-parse --short HEAD)\`" \
         "on $(uname -m), $(nproc) cores, $(openssl version | cut -d' ' -f1-2)."
    echo "Same ECDSA P-256 CA and the same revoked certificates (16-byte serials, reasons cycling"
    echo "through unspecified, keyCompromise, superseded, cessationOfOperation, affiliationChanged,"
    echo "CACompromise: the reasons \`openssl ca\` accepts without extra hold data) for both; each"
    echo "tool writes one complete v2 CRL with AKI and CRL Number, verified afterwards with \`openssl crl -verify\`. Wall time and peak RSS"
    echo "of the whole process from \`/usr/bin/time -v\`; \"inside\" is Tanda's own measurement of"
    echo "the generation (cursor walk, encoding, signing, atomic write with fsync), without process"
    echo "start, config and key loading. Tanda streams the CRL into its file (entries past 8 MiB"
    echo "through a spill file, signed as read back) and releases the LMDB pages the cursor touched"
    echo "every 65536 records, so its peak RSS stays flat; the 2 cores are shared with other work, so"
    echo "rerun for stable figures."
    echo
    echo "Reproduce: \`cmake -S . -B build-crl-release -G Ninja -DCMAKE_BUILD_TYPE=Release"
    echo "-DTANDA_BUILD_TESTS=OFF && cmake --build build-crl-release --target tanda && bench/crl_bench.sh 100000 1000000\`"
    echo
    echo "| revoked | tanda crl generate | peak RSS | openssl ca -gencrl | peak RSS | bytes (Tanda / OpenSSL DER) | tanda import (setup, not compared) |"
    echo "|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${rows[@]}"
} >"$out"
cat "$out"
