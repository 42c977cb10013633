#!/usr/bin/env bash
# The nonce path (every answer signed live) with the OCSP signer key in a SoftHSM2 token against
# the same P-256 key as a file, in one run: the bench fixtures, the key imported onto a throwaway
# token, then `run_one.sh tanda-nonce` on each config, interleaved ROUNDS times (default 3), each
# inside `unshare -n` (loopback only). Prints each run and the median ratio token/file. Then the
# token's part alone, two ways on the same key: libp11 (Tanda's) against the PKCS#11 API by hand
# through p11-kit with a session per thread (tanda-bench-pkcs11-sign).
# Usage (as root): bench/pkcs11.sh [DURATION_S] [ROUNDS]      (TANDA_BIN: the binary to use)
set -euo pipefail
duration=${1:-10} rounds=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
for p in wrk softhsm2 libp11-dev libp11-kit-dev iproute2; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p" >/dev/null
done
if [ -z "${TANDA_BIN:-}" ]; then
  build=$root/build-release
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTANDA_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build" --target tanda tanda-bench-fixtures tanda-bench-pkcs11-sign >/dev/null
  export TANDA_BIN=$build/cli/tanda
fi
fixtures=$(dirname "$TANDA_BIN")/../bench/tanda-bench-fixtures
work=$(mktemp -d /tmp/tanda-p11bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

"$fixtures" --dir "$work/file" --key ec --count 10000 >/dev/null
"$TANDA_BIN" import --config "$work/file/tanda.yaml" --ca bench --index "$work/file/index.txt" >/dev/null 2>&1
cp -a "$work/file" "$work/token"
hsm=$work/softhsm
mkdir -p "$hsm/tokens"
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$hsm" >"$hsm/softhsm2.conf"
export SOFTHSM2_CONF=$hsm/softhsm2.conf
(umask 077 && echo 4711 >"$hsm/pin")
softhsm2-util --init-token --free --label bench --pin 4711 --so-pin 4711 >/dev/null
softhsm2-util --import "$work/file/signer.key" --token bench --label signer --id 01 --pin 4711 >/dev/null
uri="pkcs11:token=bench;object=signer;type=private?pin-source=file:$hsm/pin\&module-path=/usr/lib/softhsm/libsofthsm2.so"
sed -i "s|signer_key: signer.key|signer_key: \"$uri\"|" "$work/token/tanda.yaml"
grep -q 'pkcs11:token=bench' "$work/token/tanda.yaml"

: >"$work/runs"
for r in $(seq "$rounds"); do
  for kind in file token; do
    line=$(unshare -n "$here/run_one.sh" tanda-nonce "$work/$kind" "$duration" | grep '^RESULT')
    echo "round $r $kind: $line" | tee -a "$work/runs"
  done
done
awk '/ file: / { f[++nf] = $6 } / token: / { t[++nt] = $6 }
     END { for (i = 1; i <= nf; i++) printf "%.3f\n", t[i] / f[i] }' "$work/runs" | sort -n >"$work/ratios"
echo "nonce answers/s, token/file, median of $rounds rounds: $(sed -n "$(( (rounds + 1) / 2 ))p" "$work/ratios")"
echo "the token's signatures alone (2 threads), libp11 against PKCS#11 by hand:"
"$(dirname "$TANDA_BIN")/../bench/tanda-bench-pkcs11-sign" --module /usr/lib/softhsm/libsofthsm2.so \
  --token bench --key signer --pin-file "$hsm/pin" --threads 2 --ms "$((duration * 1000))" \
  --rounds "$rounds"
