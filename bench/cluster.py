#!/usr/bin/python3
"""Cluster figures (issue 19): a three-server NATS JetStream cluster and three `tanda serve`
nodes on loopback (the integration suite's set-up), against one single node on the same machine.

  1. replication lag: revocations acknowledged by node a at RATE/s, each polled by OCSP on node
     c until it answers revoked; p50/p99 of (revoked on c) - (acknowledged by a), at each rate;
  2. revocations per second through node a with WRITERS concurrent clients, against the same on
     a single node without a cluster section;
  3. OCSP answers per second (wrk, cached POST) on a cluster node and on the single node.
Bounded: about DURATION s per measurement. Kills only what it started.
Usage: bench/cluster.py [--duration S] [--rates 10,200] [--writers N] [--admin-threads N]
"""
import argparse
import copy
import http.client
import os
import ssl
import statistics
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
os.environ.setdefault("TANDA_BIN", os.path.join(HERE, "..", "build", "cli", "tanda"))

import harness  # noqa: E402
from harness import Fixture, now  # noqa: E402
from nats_cluster import NatsCluster  # noqa: E402
from test_admin import EVIDENCE, AdminPki  # noqa: E402
from test_cluster import Node  # noqa: E402


class Admin:
    """A keep-alive mutual-TLS connection to one node's admin listener."""

    def __init__(self, admin_pki, port):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(admin_pki.path_server_ca)
        ctx.load_cert_chain(*admin_pki.pair("operator"))
        self.conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=30)

    def revoke(self, serial, request_id):
        body = ('{"request_id": "%s", "ca": "rsa", "serial": "%X", "reason": "keyCompromise",'
                ' "requested_by": "bench", "approved_by": "bench", "approved_at": "%s",'
                ' "evidence_sha256": "%s", "subject_dn": "CN=Bench,O=Tanda,C=ID"}'
                % (request_id, serial, now().strftime("%Y-%m-%dT%H:%M:%SZ"), EVIDENCE))
        self.conn.request("POST", "/v1/revocations", body=body,
                          headers={"Content-Type": "application/json"})
        res = self.conn.getresponse()
        res.read()
        return res.status


class Ocsp:
    def __init__(self, node, ca):
        self.conn = http.client.HTTPConnection("127.0.0.1", node.server.port, timeout=10)
        self.ca = ca

    def revoked(self, serial):
        self.conn.request("POST", "/", body=harness.single_request(self.ca.cert, serial),
                          headers={"Content-Type": "application/ocsp-request"})
        body = self.conn.getresponse().read()
        from cryptography.x509 import ocsp
        return (ocsp.load_der_ocsp_response(body).certificate_status ==
                ocsp.OCSPCertStatus.REVOKED)


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def measure_lag(admin, watcher, rate, duration, base):
    """Revocations at `rate`/s on a; the time until c answers revoked, per revocation."""
    outstanding, lags, lock, done = {}, [], threading.Lock(), threading.Event()

    def poll():
        while not done.is_set() or outstanding:
            with lock:
                items = list(outstanding.items())
            if not items:
                time.sleep(0.0005)
                continue
            for serial, acked in items:
                if watcher.revoked(serial):
                    seen = time.monotonic()
                    with lock:
                        del outstanding[serial]
                        lags.append((seen - acked) * 1000)

    poller = threading.Thread(target=poll)
    poller.start()
    start, n = time.monotonic(), 0
    while time.monotonic() - start < duration:
        due = start + n / rate
        if time.monotonic() < due:
            time.sleep(due - time.monotonic())
        serial = base + n
        status = admin.revoke(serial, f"lag-{rate}-{serial:x}")
        acked = time.monotonic()
        if status == 201:
            with lock:
                outstanding[serial] = acked
        n += 1
    done.set()
    poller.join(30)
    achieved = n / (time.monotonic() - start)
    return lags, achieved


def measure_throughput(admin_pki, port, writers, duration, base):
    counts = [0] * writers

    def run(i):
        admin = Admin(admin_pki, port)
        end = time.monotonic() + duration
        k = 0
        while time.monotonic() < end:
            serial = base + i * 1_000_000 + k
            if admin.revoke(serial, f"tp-{serial:x}") == 201:
                counts[i] += 1
            k += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(writers)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.monotonic() - start)


def stream_seq(node):
    """The last stream message `node` applied (its index's tanda.cluster_seq)."""
    _, position = node.journal_head()
    return struct.unpack("<Q", position[:8])[0] if position else 0


def wrk_rate(node, pki, duration, work):
    body = os.path.join(work, "ocsp-request.der")
    with open(body, "wb") as f:
        f.write(harness.single_request(pki.rsa.cert, pki.rsa.leaves["good"].serial))
    env = dict(os.environ, BENCH_LUA=os.path.join(HERE, "wrk"), BENCH_BODY=body)
    out = subprocess.run(["wrk", "-t2", "-c50", f"-d{int(duration)}s", "-s",
                          os.path.join(HERE, "wrk", "post.lua"), node.server.url + "/"],
                         env=env, capture_output=True, text=True, timeout=duration + 30).stdout
    for line in out.splitlines():
        if line.startswith("Requests/sec:"):
            return float(line.split()[1])
    raise RuntimeError(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=float, default=10)
    ap.add_argument("--rates", default="10,200")
    ap.add_argument("--writers", type=int, default=8)
    # Admin handlers run on the admin listener's threads (admin.listen.threads, 2 by default),
    # so no more revocations than that are in flight on a node, cluster or single.
    ap.add_argument("--admin-threads", type=int, default=0, help="default: --writers")
    args = ap.parse_args()
    holder = {}

    def extra(fx):
        holder["nats"] = NatsCluster(os.path.join(fx.tmp, "nats"))
        holder["nats"].start()
        holder["admin"] = AdminPki(os.path.join(fx.tmp, "admin"))
        sections = holder["admin"].config()
        sections["admin"]["listen"]["threads"] = args.admin_threads or args.writers
        sections["cluster"] = {"node": "importer", "servers": holder["nats"].urls}
        return sections

    ca_options = {"rsa": {"allow_single_approver": True, "allow_unregistered": True}}
    fx = Fixture(ca_options=ca_options, extra=extra)
    nats, admin_pki, nodes, single = holder["nats"], holder["admin"], [], None
    try:
        for name in "abc":
            node = Node(fx, name, nats.urls)
            node.start()
            nodes.append(node)
        a, _, c = nodes
        for n in nodes:
            deadline = time.monotonic() + 30
            while not n.ready() and time.monotonic() < deadline:
                time.sleep(0.1)
        # The single node: the same config without the cluster section, its own index.
        config = copy.deepcopy(fx.config)
        config.pop("cluster")
        config["storage"]["path"] = os.path.join(fx.tmp, "data-single")
        single = Node(fx, "single", nats.urls)
        with open(single.config_path, "w") as f:
            f.write(harness.to_yaml(config))
        single.start()

        base = 0x5B000000
        for rate in (float(r) for r in args.rates.split(",")):
            lags, achieved = measure_lag(Admin(admin_pki, a.server.admin_port),
                                         Ocsp(c, fx.pki.rsa), rate, args.duration, base)
            base += 1_000_000
            print(f"CLUSTER_LAG rate={rate:g}/s achieved={achieved:.0f}/s n={len(lags)} "
                  f"p50_ms={pct(lags, 50):.1f} p99_ms={pct(lags, 99):.1f} "
                  f"max_ms={max(lags):.1f}", flush=True)
        messages_before = stream_seq(a)
        cluster_tp = measure_throughput(admin_pki, a.server.admin_port, args.writers,
                                        args.duration, base)
        # Each revocation is two writes (the change, then its holder status token): writes per
        # stream message tell how many the node's group commit gathered.
        messages = stream_seq(a) - messages_before
        base += 100_000_000
        single_tp = measure_throughput(admin_pki, single.server.admin_port, args.writers,
                                       args.duration, base)
        print(f"CLUSTER_WRITES writers={args.writers} "
              f"admin_threads={args.admin_threads or args.writers} cluster={cluster_tp:.0f}/s "
              f"single={single_tp:.0f}/s ratio={cluster_tp / single_tp:.2f} "
              f"stream_messages={messages} "
              f"writes_per_message={2 * cluster_tp * args.duration / max(messages, 1):.1f}",
              flush=True)
        cluster_ocsp = wrk_rate(c, fx.pki, args.duration, fx.tmp)
        single_ocsp = wrk_rate(single, fx.pki, args.duration, fx.tmp)
        print(f"CLUSTER_OCSP cluster_node={cluster_ocsp:.0f}/s single={single_ocsp:.0f}/s "
              f"ratio={cluster_ocsp / single_ocsp:.2f}", flush=True)
    finally:
        for n in nodes + ([single] if single else []):
            n.stop()
        nats.stop()
        fx.close()


if __name__ == "__main__":
    main()
