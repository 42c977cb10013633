"""Turns bench/compare.sh's run lines into bench/RESULTS.md (medians, ratios, how to reproduce)."""
import datetime
import os
import platform
import statistics
import subprocess
import sys

runs_path, speed, rounds, duration, count, io_backend = sys.argv[1:7]
speed = float(speed)
runs, half = {}, None
for line in open(runs_path):
    f = line.split()
    if f[0] == "round":
        key, kind = f[2], f[4]
        runs.setdefault((key, kind), []).append([float(x) for x in f[5:11]])
    elif f[0] == "half-load":
        half = [float(x) for x in f[3:9]]


def med(key, kind, i):
    return statistics.median(r[i] for r in runs[(key, kind)])


rows = [
    ("ec", "tanda-get", "Tanda, cached answer, GET (RFC 5019)"),
    ("ec", "tanda-post", "Tanda, cached answer, POST"),
    ("ec", "tanda-nonce", "Tanda, nonce POST (signed live), ECDSA P-256"),
    ("rsa", "tanda-nonce", "Tanda, nonce POST (signed live), RSA-2048"),
    ("ec", "nginx", "nginx, the same answer bytes as a static file"),
    ("ec", "cfssl", "cfssl ocspserve, pre-signed, SHA-1 POST"),
    ("ec", "openssl", "openssl ocsp -index, ECDSA P-256 (signs every answer)"),
    ("rsa", "openssl", "openssl ocsp -index, RSA-2048 (signs every answer)"),
]
ratios = {
    "cached_vs_nginx": med("ec", "tanda-get", 0) / med("ec", "nginx", 0),
    "cpu_vs_nginx": med("ec", "tanda-get", 3) / med("ec", "nginx", 3),
    "vs_openssl": med("ec", "tanda-post", 0) / med("ec", "openssl", 0),
    "vs_cfssl": med("ec", "tanda-post", 0) / med("ec", "cfssl", 0),
    "nonce_vs_sign_limit": med("ec", "tanda-nonce", 0) / speed,
}
commit = subprocess.run(["git", "-C", os.path.dirname(__file__), "rev-parse", "--short", "HEAD"],
                        capture_output=True, text=True).stdout.strip()

out = []
out.append("## OCSP against peers\n")
out.append(f"Recorded {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC at commit `{commit}` on "
           f"{platform.machine()}, {os.cpu_count()} cores. Medians of {rounds} interleaved rounds; "
           f"each run {duration} s of `wrk -t2 -c50` against a fresh server in its own network "
           f"namespace; {count} registered certificates per CA; Tanda on {io_backend} (its "
           "choice on this machine). CPU is utime+stime of the server processes over the "
           "requests served (wrk shares the same two cores).\n")
out.append("Reproduce (as root): `bench/compare.sh` (or `bench/compare.sh ROUNDS DURATION "
           "CERTIFICATES`); the commands it runs per server are in `bench/run_one.sh`.\n")
out.append("| server | requests/s | p50 µs | p99 µs | server CPU µs/request | tryLater |")
out.append("|---|---:|---:|---:|---:|---:|")
for key, kind, label in rows:
    if (key, kind) not in runs:
        continue
    out.append(f"| {label} | {med(key, kind, 0):,.0f} | {med(key, kind, 1):,.0f} | "
               f"{med(key, kind, 2):,.0f} | {med(key, kind, 3):.1f} | {med(key, kind, 5):,.0f} |")
out.append("")
out.append(f"`openssl speed -seconds 5 ecdsap256` on one core: {speed:,.0f} signs/s.\n")
if half:
    out.append(f"Tanda cached GET paced at half its median peak ({half[0]:,.0f} requests/s): "
               f"p50 {half[1]:,.0f} µs, p99 {half[2]:,.0f} µs.\n")
out.append("Ratios: cached_vs_nginx = Tanda GET rps / nginx rps; cpu_vs_nginx = Tanda GET CPU per "
           "request / nginx's; vs_openssl and vs_cfssl = Tanda cached POST rps / theirs (ECDSA); "
           "nonce_vs_sign_limit = Tanda nonce rps / one core's ECDSA P-256 signs/s.\n")
out.append("All runs:\n")
out.append("```")
out.extend(line.rstrip() for line in open(runs_path))
out.append("```\n")
out.append(" ".join(f"{k}={v:.2f}" for k, v in ratios.items()))
print("\n".join(out))
