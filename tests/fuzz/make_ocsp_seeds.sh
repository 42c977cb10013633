#!/usr/bin/env bash
# Regenerates the DER OCSP request seeds in corpus/ocsp_request/ and the GET path seeds in
# corpus/ocsp_get_path/ with `openssl ocsp -reqout` against a throwaway CA (keys in a temp dir).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
req_dir=$here/corpus/ocsp_request
get_dir=$here/corpus/ocsp_get_path
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
mkdir -p "$req_dir" "$get_dir"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
  -subj "/CN=Fuzz CA" -days 3650 2>/dev/null
for n in 1 2; do
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf$n.key \
    -out leaf$n.csr -subj "/CN=leaf $n" 2>/dev/null
done
# Serials: a short one, and one with the top bit set (DER needs a leading 00).
openssl x509 -req -in leaf1.csr -CA ca.pem -CAkey ca.key -set_serial 0x1001 -out leaf1.pem \
  -days 365 2>/dev/null
openssl x509 -req -in leaf2.csr -CA ca.pem -CAkey ca.key \
  -set_serial 0x8F0E0D0C0B0A09080706050403020100 -out leaf2.pem -days 365 2>/dev/null

q() { openssl ocsp -issuer ca.pem "$@" 2>/dev/null; }
q -cert leaf1.pem -no_nonce -reqout "$req_dir/sha1_simple.der"
q -sha256 -cert leaf2.pem -no_nonce -reqout "$req_dir/sha256_high_serial.der"
q -sha384 -cert leaf1.pem -no_nonce -reqout "$req_dir/sha384_simple.der"
q -sha512 -cert leaf1.pem -no_nonce -reqout "$req_dir/sha512_simple.der"
q -cert leaf1.pem -reqout "$req_dir/sha1_nonce.der"
q -cert leaf1.pem -cert leaf2.pem -no_nonce -reqout "$req_dir/two_certids.der"
q -cert leaf1.pem -signer leaf1.pem -signkey leaf1.key -reqout "$req_dir/signed_nonce.der"
q -serial 0x00 -no_nonce -reqout "$req_dir/serial_zero.der"
head -c 20 "$req_dir/sha1_simple.der" >"$req_dir/truncated.der"
printf '\x30\x80\x30\x00\x00\x00' >"$req_dir/indefinite_length.der"

# GET paths as clients send them: plain base64, percent-escaped, base64url, with "//".
b64=$(base64 -w0 "$req_dir/sha1_simple.der")
printf '%s' "$b64" >"$get_dir/plain"
printf '%s' "$b64" | sed 's/+/%2B/g; s#/#%2F#g; s/=/%3D/g' >"$get_dir/percent_escaped"
printf '%s' "$b64" | tr '+/' '-_' | tr -d '=' >"$get_dir/base64url_unpadded"
printf '//%s' "$(base64 -w0 "$req_dir/sha256_high_serial.der")" >"$get_dir/double_slash"
base64 -w 64 "$req_dir/sha1_nonce.der" >"$get_dir/line_breaks"
printf '%s' "$b64" | tr '+' ' ' >"$get_dir/plus_as_space"
printf 'MEQ%%zz' >"$get_dir/bad_escape"
printf 'A' >"$get_dir/one_char"
