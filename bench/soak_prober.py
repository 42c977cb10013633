#!/usr/bin/env python3
"""Fresh-connection probes for bench/soak.sh: is the responder still answering?

  soak_prober.py PORT GET_PATH SECONDS OUT

Every 100 ms (or right after the previous probe, when it took longer) opens a new connection
to 127.0.0.1:PORT, asks GET GET_PATH and waits at most 2 s for a complete 200 answer with an
OCSP body. Writes one line per probe to OUT: "start_s ok latency_ms". Then prints
  PROBES total=N ok=N wedges=N longest_outage_s=S
where a wedge is a stretch of at least 5 s in which every probe failed.
"""

import socket
import sys
import time

HOST = "127.0.0.1"
WEDGE_S = 5.0


def probe(port, request):
    """True when a complete HTTP 200 answer with a body arrives within 2 s."""
    deadline = time.monotonic() + 2
    try:
        with socket.create_connection((HOST, port), timeout=2) as s:
            s.sendall(request)
            data = b""
            while b"\r\n\r\n" not in data or len(data) < body_end(data):
                s.settimeout(max(0.01, deadline - time.monotonic()))
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            return data.startswith(b"HTTP/1.1 200 ") and len(data) >= body_end(data) > 0
    except OSError:
        return False


def body_end(data):
    """Where the answer ends, from Content-Length; 0 while the header is incomplete."""
    head, sep, _ = data.partition(b"\r\n\r\n")
    if not sep:
        return 1 << 30
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(head) + 4 + int(value)
    return 0


def wedges(records, end):
    """Stretches of >= WEDGE_S seconds with no successful probe, a trailing one counted until
    END: (count, longest)."""
    count, longest, failing_since = 0, 0.0, None
    for start, ok, _ in records + [(end, True, 0)]:
        if not ok and failing_since is None:
            failing_since = start
        elif ok and failing_since is not None:
            outage = start - failing_since
            longest = max(longest, outage)
            count += outage >= WEDGE_S
            failing_since = None
    return count, longest


def main():
    port, path, seconds, out = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), sys.argv[4]
    request = f"GET {path} HTTP/1.1\r\nHost: soak\r\nConnection: close\r\n\r\n".encode()
    begin = time.monotonic()
    records = []
    while time.monotonic() - begin < seconds:
        start = time.monotonic()
        ok = probe(port, request)
        records.append((start - begin, ok, (time.monotonic() - start) * 1000))
        time.sleep(max(0.0, 0.1 - (time.monotonic() - start)))
    with open(out, "w") as f:
        for start, ok, ms in records:
            f.write(f"{start:.3f} {int(ok)} {ms:.1f}\n")
    count, longest = wedges(records, time.monotonic() - begin)
    good = sum(1 for r in records if r[1])
    print(f"PROBES total={len(records)} ok={good} wedges={count} longest_outage_s={longest:.1f}",
          flush=True)


if __name__ == "__main__":
    main()
