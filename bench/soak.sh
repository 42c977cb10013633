#!/usr/bin/env bash
# Soak (issue 15): honest load and every attack Tanda must survive, together, for each I/O
# backend the build can have (epoll, and io_uring from a -DTANDA_IO_URING=ON build). Each backend
# runs bench/soak_one.sh in a fresh network namespace with only loopback; see it for the load.
# Writes the "Soak" section of bench/RESULTS.md and fails when a target is missed:
#   0 wedges (5 s in which every fresh probe failed), >= 99.9% of honest requests answered, fd
#   and connection gauges back where they started, RSS within 5%, every acknowledged
#   revocation revoked over OCSP.
# Usage (as root): bench/soak.sh [DURATION_S [BACKENDS]]   defaults 240 "epoll io_uring"
# About 2 * (DURATION_S + 80) s after a build of build-soak (Release, both backends).
set -euo pipefail
duration=${1:-240} backends=${2:-epoll io_uring}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
[ "$(id -u)" -eq 0 ] || { echo "soak.sh: run as root (network namespaces)" >&2; exit 1; }
[ "$duration" -le 400 ] || { echo "soak.sh: at most 400 s per backend (15 minutes in all)" >&2; exit 2; }
need=()
for p in wrk curl iproute2 openssl; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

build=$root/build-soak
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTANDA_BUILD_TESTS=OFF \
  -DTANDA_IO_URING=ON >/dev/null
cmake --build "$build" --target tanda tanda-io-uring tanda-bench-fixtures >/dev/null
export TANDA_BIN=$build/cli/tanda

work=$(mktemp -d /tmp/tanda-soak.XXXXXX)
trap 'rm -rf "$work"' EXIT
# A bench CA of 10000 certificates with the demo's admin listener and operator, and revocations
# of serials the index has never seen (allow_unregistered), so each second's is a new one; the
# bench CA takes approvals: 1 (an RA that approved upstream), so each acknowledged revocation is
# applied at once and its OCSP check means what it did before dual control.
"$build/bench/tanda-bench-fixtures" --dir "$work/f" --key ec --count 10000 >/dev/null
unshare -n bash -c 'ip link set lo up; "$1" demo --dir "$2" --port 0 >/dev/null 2>"$2.log" & pid=$!
  for _ in $(seq 300); do grep -q "msg=listening" "$2.log" && break; sleep 0.1; done
  kill $pid; wait $pid || true' _ "$TANDA_BIN" "$work/demo"
cp "$work"/demo/{admin-ca.pem,admin-server.pem,admin-server.key,operator.pem,operator.key} "$work/f/"
echo "Soak revocation request (bench/soak.sh)." >"$work/f/letter.txt"
sed -i '/max_connections: 20000/d' "$work/f/tanda.yaml"
{ printf '    allow_unregistered: true\n    approvals: 1\n'; sed -n '/^admin:/,$p' "$work/demo/tanda.yaml"; } >>"$work/f/tanda.yaml"
sed -i 's/^    port: 8443$/    port: 18443/' "$work/f/tanda.yaml"
"$TANDA_BIN" import --config "$work/f/tanda.yaml" --ca bench --index "$work/f/index.txt" >/dev/null 2>&1
"$TANDA_BIN" check-config "$work/f/tanda.yaml" >/dev/null

: >"$work/runs.txt"
for backend in $backends; do
  echo "== soak on $backend for ${duration}s"
  cp -a "$work/f" "$work/run"  # a fresh index each time: the revocations start from none
  unshare -n "$here/soak_one.sh" "$backend" "$work/run" "$duration" | tee -a "$work/runs.txt"
  rm -rf "$work/run"
done

status=0
python3 - "$work/runs.txt" "$duration" >"$work/soak.md" <<'PY' || status=$?
import re, sys
runs, duration = open(sys.argv[1]).read().splitlines(), sys.argv[2]
rows, notes, failed = [], [], []
for line in runs:
    if line.startswith("# "):
        notes.append(line[2:])
    if not line.startswith("SOAK "):
        continue
    f = dict(kv.split("=", 1) for kv in line.split()[2:])
    backend = line.split()[1]
    if "died" in f:
        failed.append(f"{backend}: tanda exited (status {f['exit_status']}) during the {f['died']}")
        rows.append(f"| {backend} | tanda exited with status {f['exit_status']} during the "
                    f"{f['died']} | | | | | | | {f['revocations']} | | FAIL |")
        continue
    drift = lambda k: f[k].split("->")
    fd0, fd1 = drift("fds"); p0, p1 = drift("public_conns"); a0, a1 = drift("admin_conns")
    r0, r1 = map(float, drift("rss_mib")); acked, visible = f["revocations"].split("/")
    m0, m1 = map(float, drift("file_mib"))
    rss_pct = 100 * (r1 - r0) / r0
    checks = {"wedges": f["wedges"] == "0", "answered": float(f["share"]) >= 0.999,
              "fds": fd0 == fd1, "gauges": (p0, a0) == (p1, a1), "rss": abs(rss_pct) < 5,
              "revocations": acked == visible and int(acked) > 0}
    failed += [f"{backend}: {k}" for k, ok in checks.items() if not ok]
    rows.append(f"| {backend} | {f['answered']} ({100 * float(f['share']):.3f}%) | {f['p99_ms']} | "
                f"{f['wedges']} ({f['outage_s']} s) | {fd0}→{fd1} | {p0}→{p1}, {a0}→{a1} | "
                f"{r0:.1f}→{r1:.1f} ({rss_pct:+.1f}%) [{f['rss_cold_mib']}] | {m0:.1f}→{m1:.1f} | {acked}/{visible} | {f['try_later']} | "
                f"{'pass' if all(checks.values()) else 'FAIL'} |")
print("## Soak: honest load under every attack at once (bench/soak.sh)\n")
print(f"`sudo bench/soak.sh {duration}` (Release, both backends built). Per backend, {duration} s of: "
      "cached GET, cached POST and nonce POST each paced at a sixth of its own 5 s peak (10 "
      "keep-alive connections each); a fresh-connection probe every 100 ms; on the public port 8 "
      "churning clients, 300 slowloris, 1000 partial-header and 1000 idle connections, each "
      "reopened as the server closes it; on the admin port 1000 idle TCP connections and 100 slow "
      "TLS handshakes from 127.0.0.2; an operator's `tanda admin revoke` every second. Default "
      "limits. The same mix runs 30 s first as a warm-up; start and end are read at rest (least "
      "of five samples) after the warm-up and after the soak. Heap: the process's anonymous "
      "resident memory (RssAnon), which a leak grows, held to 5%; in brackets at rest before the "
      "warm-up, after the 5 s peak runs. File pages (RssFile): LMDB's map and the libraries, "
      "which grow with the revocations written and are page cache the kernel can take back; "
      "reported, not held to a target.\n")
print("| backend | honest answered | p99 ms get/post/nonce | wedges (longest outage) | fds | "
      "connections public, admin | heap MiB | file pages MiB | revocations acked/visible | tryLater | "
      "targets |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
print("\n".join(rows))
print("\nAttackers and probes, backend by backend:\n\n```\n" + "\n".join(notes) + "\n```")
print("\nTargets missed: " + (", ".join(failed) if failed else "none"))
sys.exit(1 if failed or not rows else 0)
PY
python3 "$here/put_section.py" "$here/RESULTS.md" "$work/soak.md"
tail -n 1 "$work/soak.md"
exit $status
