#!/usr/bin/env bash
# Installs the Debian 12 packages Tanda builds, tests and runs with. Idempotent: does nothing
# when everything is present. Needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ pkg-config
  libboost1.81-dev libboost-json1.81-dev libssl-dev liblmdb-dev libyaml-cpp-dev
  libexpected-dev libsystemd-dev
  # cluster mode: the NATS C client with the JetStream API; the cluster tests start real servers
  libnats-dev nats-server
  # tanda-io-uring, the build on Asio's io_uring backend (-DTANDA_IO_URING=ON, off by default)
  liburing-dev
  # tests: Catch2, and the real clients the integration tests drive
  catch2 openssl gnutls-bin python3 python3-cryptography lmdb-utils
  # tests: python3-lmdb edits an index behind tanda's back (test_verify)
  python3-lmdb
  # tests: promtool checks /metrics, and a real Prometheus server scrapes it
  prometheus
  # packaging tests: systemd-analyze/sysusers/tmpfiles, dpkg-shlibdeps for cpack, groff for the
  # man page
  systemd dpkg-dev groff-base
  # PKCS#11 keys: libp11 opens the modules (libp11-dev to build); the tests make a throwaway
  # SoftHSM2 token, generate keys on it with opensc's pkcs11-tool and read its public keys with
  # openssl through libp11's engine
  libp11-dev libengine-pkcs11-openssl softhsm2 opensc
  # bench/pkcs11.sh's comparison: the PKCS#11 API by hand through p11-kit's module loader
  libp11-kit-dev
  # a token out of reach: SoftHSM behind `p11-kit server`, used through p11-kit's client module
  p11-kit p11-kit-modules
  # fuzzing (make fuzz-smoke): clang with libFuzzer and the sanitizer runtimes
  clang-14 libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
# Packages such as prometheus start their service on install; tests start their own on
# loopback, so keep services down during the install unless a policy is already in place.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
  "${sudo[@]}" chmod 755 "$policy"
  trap '"${sudo[@]}" rm -f "$policy"' EXIT
fi
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
