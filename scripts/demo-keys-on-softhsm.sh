#!/bin/sh
# Moves the OCSP signer key and the CA key of a `tanda demo` directory onto a SoftHSM2 token in
# DIR/softhsm, points DIR/tanda.yaml at them with PKCS#11 URIs (the PIN in a 0600 file) and
# deletes the key files. Then run the demo again with the token:
#   scripts/demo-keys-on-softhsm.sh tanda-demo
#   SOFTHSM2_CONF=$PWD/tanda-demo/softhsm/softhsm2.conf tanda demo --dir tanda-demo
# Needs softhsm2 (softhsm2-util). A demo: the keys were files
# first; a real CA generates its keys on the token (README, "Keys in an HSM (PKCS#11)").
set -eu
dir=$(realpath "${1:-tanda-demo}")
module=/usr/lib/softhsm/libsofthsm2.so
hsm=$dir/softhsm
[ -f "$dir/tanda.yaml" ] || { echo "no tanda demo in $dir: run 'tanda demo --dir $dir' first" >&2; exit 1; }
[ -f "$dir/ocsp.key" ] || { echo "$dir has no key files left: already on a token?" >&2; exit 1; }
command -v softhsm2-util >/dev/null || { echo "softhsm2-util not found: apt install softhsm2" >&2; exit 1; }
mkdir -p "$hsm/tokens"
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' \
  "$hsm" >"$hsm/softhsm2.conf"
export SOFTHSM2_CONF="$hsm/softhsm2.conf"
pin=$(od -An -N4 -tu4 /dev/urandom | tr -d ' \n')
(umask 077 && printf '%s\n' "$pin" >"$hsm/pin")
softhsm2-util --init-token --free --label tanda-demo --pin "$pin" --so-pin "$pin" >/dev/null
softhsm2-util --import "$dir/ocsp.key" --token tanda-demo --label ocsp --id 01 --pin "$pin" >/dev/null
softhsm2-util --import "$dir/ca.key" --token tanda-demo --label ca --id 02 --pin "$pin" >/dev/null
uri() { echo "\"pkcs11:token=tanda-demo;object=$1;type=private?pin-source=file:$hsm/pin\&module-path=$module\""; }
sed -i -e "s|signer_key: ocsp.key|signer_key: $(uri ocsp)|" \
       -e "s|signing_key: ca.key |signing_key: $(uri ca) |" "$dir/tanda.yaml"
rm -f "$dir/ocsp.key" "$dir/ca.key"
echo "keys moved to the SoftHSM2 token 'tanda-demo' in $hsm; now run:"
echo "  SOFTHSM2_CONF=$hsm/softhsm2.conf tanda demo --dir $dir"
