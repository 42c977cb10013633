#!/usr/bin/env bash
# Runs the real systemd/tanda.service under a real systemd: boots this machine's /usr in a
# throwaway systemd-nspawn container (volatile root, private network) and checks, as the service
# user with all the unit's hardening, that tanda starts (Type=notify), binds port 80 with only
# CAP_NET_BIND_SERVICE, answers OCSP/CRL/readyz/metrics, writes LMDB and CRLs in the state
# directory, keeps the watchdog fed, reloads on `systemctl reload`, stops cleanly on SIGTERM, and is restarted by the watchdog
# when hung (SIGSTOP) or when an I/O thread stops serving (SIGUSR2 under TANDA_TEST_HOOKS=1).
#
# Needs root and systemd-container (apt-get install systemd-container); not part of `make test`
# because it boots a container. Usage: scripts/systemd-smoke.sh [TANDA_BINARY]
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-$here/build/cli/tanda}")
command -v systemd-nspawn >/dev/null || { echo "needs systemd-nspawn (systemd-container)" >&2; exit 2; }
[ -x "$bin" ] || { echo "no tanda binary at $bin" >&2; exit 2; }

work=$(mktemp -d /tmp/tanda-smoke.XXXXXX)
demo_pid=
cleanup() {
    [ -n "$demo_pid" ] && kill "$demo_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work"/{etc,opt,out,units/tanda.service.d,units/multi-user.target.wants}

# A CA, a delegated signer, a good and a revoked leaf: `tanda demo` makes them (then stops).
"$bin" demo --dir "$work/demo" --port 0 >"$work/demo.log" 2>&1 &
demo_pid=$!
for _ in $(seq 100); do grep -q "msg=listening" "$work/demo.log" && break; sleep 0.2; done
kill "$demo_pid"; wait "$demo_pid" || true; demo_pid=
cp "$work"/demo/{ca.pem,ca.key,ocsp.pem,ocsp.key,index.txt,good.pem,revoked.pem} "$work/etc/"
chmod 644 "$work"/etc/*  # the container's tanda uid is not known here; real hosts: chgrp tanda
cat >"$work/etc/tanda.yaml" <<'EOF'
listen: {address: 127.0.0.1, port: 80}
storage: {path: /var/lib/tanda, map_size: 64MiB}
state_dir: /var/lib/tanda/crl
cas:
  - name: demo
    issuer_certificate: ca.pem
    signer_certificate: ocsp.pem
    signer_key: ocsp.key
    crl: {signing_key: ca.key}
# The keys are 0644 here (see above), which tanda refuses by default: real hosts chown them to
# tanda with mode 0600.
security: {insecure_key_permissions: warn}
EOF

cp "$bin" "$work/opt/tanda"
sed 's#/usr/bin/tanda#/opt/tanda/tanda#g' "$here/systemd/tanda.service" >"$work/units/tanda.service"
# A quicker watchdog, and SIGUSR2 stalling an I/O thread (TANDA_TEST_HOOKS, tests only).
printf '[Service]\nWatchdogSec=4s\nEnvironment=TANDA_TEST_HOOKS=1\n' \
    >"$work/units/tanda.service.d/smoke.conf"
cat >"$work/units/tanda-smoke.service" <<'EOF'
[Unit]
After=multi-user.target
[Service]
Type=oneshot
ExecStart=/opt/tanda/check.sh
ExecStopPost=/usr/bin/systemctl poweroff --no-block
StandardOutput=file:/out/check.log
StandardError=inherit
EOF
ln -s ../tanda-smoke.service "$work/units/multi-user.target.wants/tanda-smoke.service"
# The container has only loopback: do not wait for a network to come online.
ln -s /dev/null "$work/units/systemd-networkd-wait-online.service"

# Inside the container: one "ok NAME" or "FAIL NAME" line per check.
cat >"$work/opt/check.sh" <<'EOF'
#!/bin/bash
check() { local name=$1; shift; if "$@" >/dev/null 2>&1; then echo "ok $name"; else echo "FAIL $name"; fi; }
show() { systemctl show tanda -p "$1" --value; }
as_tanda() { setpriv --reuid=tanda --regid=tanda --init-groups "$@"; }
ocsp() { openssl ocsp -issuer /etc/tanda/ca.pem -cert "/etc/tanda/$1" -url http://127.0.0.1:80 \
           -CAfile /etc/tanda/ca.pem -resp_text 2>&1; }
get() { python3 -c "import sys, urllib.request as u; sys.exit(u.urlopen(sys.argv[1]).status != 200)" "$1"; }

check import as_tanda /opt/tanda/tanda import --config /etc/tanda/tanda.yaml --ca demo \
    --index /etc/tanda/index.txt
check start systemctl start tanda
check active test "$(show ActiveState)" = active
check status-text grep -q "127.0.0.1:80" <<<"$(show StatusText)"
status=$(cat /proc/"$(show MainPID)"/status)
check not-root bash -c "! grep -qE '^Uid:\s+0\b' <<<'$status'"
check only-cap-net-bind-service grep -qE '^CapEff:\s+0000000000000400$' <<<"$status"
check no-new-privs grep -qE '^NoNewPrivs:\s+1$' <<<"$status"
check seccomp grep -qE '^Seccomp:\s+2$' <<<"$status"
check ocsp-good grep -q "Cert Status: good" <<<"$(ocsp good.pem)"
check ocsp-revoked grep -q "Reason: keyCompromise" <<<"$(ocsp revoked.pem)"
check readyz get http://127.0.0.1/readyz
check crl get http://127.0.0.1/crl/demo.crl
check metrics get http://127.0.0.1:9102/metrics
check crl-file test -s /var/lib/tanda/crl/demo.crl
sleep 12  # three watchdog intervals
check watchdog-fed test "$(show ActiveState)/$(show NRestarts)" = active/0
check reload systemctl reload tanda
check reloaded grep -q 'msg="config reloaded"' <<<"$(journalctl -u tanda -o cat --no-pager)"
check reload-kept-running test "$(show ActiveState)/$(show NRestarts)" = active/0
check crl-generate as_tanda /opt/tanda/tanda crl generate --config /etc/tanda/tanda.yaml
check stop systemctl stop tanda
check stopped-cleanly test "$(show Result)/$(show ExecMainStatus)" = success/0
check sigterm-logged grep -q "msg=stopped" <<<"$(journalctl -u tanda -o cat --no-pager)"
check exposure bash -c "systemd-analyze security tanda.service | grep -qE 'exposure level for tanda.service: (0\.|1\.[0-5])'"
# A hung process is killed by the watchdog and restarted.
systemctl start tanda
kill -STOP "$(show MainPID)"
for _ in $(seq 30); do [ "$(show NRestarts)" = 1 ] && [ "$(show ActiveState)" = active ] && break; sleep 0.5; done
check watchdog-restart grep -q "Failed with result 'watchdog'" <<<"$(journalctl -u tanda -o cat --no-pager)"
check restarted test "$(show ActiveState)/$(show NRestarts)" = active/1
# An I/O thread that stops serving (the process itself runs on) fails the liveness probe: the
# pings stop and the watchdog restarts it too.
sleep 2
kill -USR2 "$(show MainPID)"
for _ in $(seq 40); do [ "$(show NRestarts)" = 2 ] && [ "$(show ActiveState)" = active ] && break; sleep 0.5; done
check liveness-probe-failed grep -q 'msg="liveness probe failed"' <<<"$(journalctl -u tanda -o cat --no-pager)"
check stalled-restarted test "$(show ActiveState)/$(show NRestarts)" = active/2
systemctl stop tanda
journalctl -u tanda -o cat --no-pager >/out/journal.log
echo done
EOF
chmod 755 "$work/opt/check.sh"

# nspawn keeps state under /run/systemd/nspawn: a private tmpfs there, in a private mount
# namespace, so nothing is left on the host.
timeout 300 unshare -m --propagation private sh -c '
  mkdir -p /run/systemd/nspawn && mount -t tmpfs tmpfs /run/systemd/nspawn &&
  exec systemd-nspawn -D / --volatile=yes -b --register=no --keep-unit --private-network \
    -M tanda-smoke --console=pipe \
    --bind="$0/units:/etc/systemd/system" --bind="$0/etc:/etc/tanda" \
    --bind-ro="$0/opt:/opt/tanda" --bind="$0/out:/out" \
    --bind-ro="$1/systemd/tanda.sysusers:/etc/sysusers.d/tanda.conf" \
    --bind-ro="$1/systemd/tanda.tmpfiles:/etc/tmpfiles.d/tanda.conf"' "$work" "$here" \
    >"$work/boot.log" 2>&1 || { cat "$work/boot.log"; echo "container failed" >&2; exit 1; }

cat "$work/out/check.log"
if ! grep -q "^done$" "$work/out/check.log" || grep -q "^FAIL" "$work/out/check.log"; then
    cat "$work/out/journal.log" 2>/dev/null || true
    echo "systemd smoke test: FAILED" >&2
    exit 1
fi
echo "$(grep -c '^ok' "$work/out/check.log") passed, 0 failed"
