#!/usr/bin/python3
"""How long a node takes to join a cluster (issue 19), at N certificates (default 1M):

  1. `tanda import` of N certificates through the cluster (10,000 per stream message);
  2. a node with an empty index joining from the stream: from its start to /readyz 200;
  3. a node joining from a snapshot: `tanda cluster snapshot` of the first node, then from the
     new node's start to /readyz 200.
One nats-server with JetStream on loopback (replicas 1: on one machine three servers would
only triple the disk writes), a temp dir, the bench fixtures (tanda-bench-fixtures). Bounded by
the size; kills only what it started.
Usage: bench/cluster_join.py [--sizes 1000000,10000000] [--build DIR]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
from harness import free_port  # noqa: E402
from nats_cluster import NATS_SERVER  # noqa: E402


def run(*args, **kw):
    started = time.monotonic()
    r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, args))} failed ({r.returncode}):\n{r.stderr[-3000:]}")
    return time.monotonic() - started


def config(fixture_dir, storage, node, nats_url, path):
    with open(os.path.join(fixture_dir, "tanda.yaml")) as f:
        text = f.read()
    text = text.replace("port: 18080", "port: 0").replace("path: data", f"path: {storage}")
    text += (f"cluster:\n  node: {node}\n  servers: [\"{nats_url}\"]\n  stream: JOIN\n"
             f"  replicas: 1\n  max_lag: 5s\n  write_timeout: 60s\n")
    with open(path, "w") as f:
        f.write(text)
    return path


def time_to_ready(tanda, config_path, workdir, timeout):
    """Seconds from `tanda serve` to /readyz 200; the server is stopped after."""
    err = open(os.path.join(workdir, "serve.stderr"), "w+")
    started = time.monotonic()
    proc = subprocess.Popen([tanda, "serve", "--config", config_path], cwd=workdir,
                            stdout=subprocess.DEVNULL, stderr=err)
    try:
        port = None
        while time.monotonic() - started < timeout:
            if proc.poll() is not None:
                err.seek(0)
                raise SystemExit(f"tanda serve exited {proc.returncode}:\n{err.read()[-3000:]}")
            if port is None:
                err.seek(0)
                for line in err.read().splitlines():
                    if "msg=listening" in line:
                        port = int(line.split("port=")[1].split()[0])
            if port is not None:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                        if r.status == 200:
                            return time.monotonic() - started
                except OSError:
                    pass
            time.sleep(0.1)
        raise SystemExit(f"not ready within {timeout} s")
    finally:
        proc.terminate()
        proc.wait(30)
        err.close()


def measure(n, build, work):
    tanda = os.path.join(build, "cli", "tanda")
    fixtures = os.path.join(work, f"fx{n}")
    run(os.path.join(build, "bench", "tanda-bench-fixtures"), "--dir", fixtures, "--count",
        str(n), "--no-cache")
    nats_dir = os.path.join(work, f"nats{n}")
    os.makedirs(nats_dir)
    port = free_port()
    conf = os.path.join(nats_dir, "nats.conf")
    with open(conf, "w") as f:
        f.write(f'listen: 127.0.0.1:{port}\nmax_payload: 8MB\n'
                f'jetstream {{ store_dir: "{nats_dir}/js", max_file_store: 64GB }}\n')
    nats = subprocess.Popen([NATS_SERVER, "-c", conf], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        time.sleep(1)
        url = f"nats://127.0.0.1:{port}"
        seed = config(fixtures, os.path.join(work, f"seed{n}"), "seed", url,
                      os.path.join(fixtures, "seed.yaml"))
        imported = run(tanda, "import", "--config", seed, "--ca", "bench", "--index",
                       os.path.join(fixtures, "index.txt"), cwd=fixtures)
        joiner = config(fixtures, os.path.join(work, f"stream{n}"), "from-stream", url,
                        os.path.join(fixtures, "stream.yaml"))
        from_stream = time_to_ready(tanda, joiner, fixtures, 3600)
        snap_dir = os.path.join(work, f"snap{n}")
        snapshot = run(tanda, "cluster", "snapshot", "--config", seed, "--out", snap_dir,
                       cwd=fixtures)
        snapper = config(fixtures, snap_dir, "from-snapshot", url,
                         os.path.join(fixtures, "snap.yaml"))
        from_snapshot = time_to_ready(tanda, snapper, fixtures, 3600)
        stream_bytes = sum(os.path.getsize(os.path.join(d, f))
                           for d, _, fs in os.walk(os.path.join(nats_dir, "js")) for f in fs)
        return imported, from_stream, snapshot, from_snapshot, stream_bytes
    finally:
        nats.terminate()
        nats.wait(30)
        for d in (fixtures, nats_dir):
            shutil.rmtree(d, ignore_errors=True)
        for d in ("seed", "stream", "snap"):
            shutil.rmtree(os.path.join(work, f"{d}{n}"), ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000000")
    ap.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    args = ap.parse_args()
    subprocess.run(["cmake", "--build", args.build, "--target", "tanda", "tanda-bench-fixtures"],
                   check=True, stdout=subprocess.DEVNULL)
    work = tempfile.mkdtemp(prefix="tanda-join-", dir="/var/tmp")
    try:
        print("| certificates | import through the stream | join from the stream (to ready) "
              "| snapshot | join from the snapshot (to ready) | stream on disk |")
        print("|---|---|---|---|---|---|")
        for n in (int(s) for s in args.sizes.split(",")):
            imp, stream, snap, from_snap, size = measure(n, args.build, work)
            print(f"| {n:,} | {imp:.1f} s | {stream:.1f} s | {snap:.1f} s | {from_snap:.1f} s "
                  f"| {size / 2**20:.0f} MiB |", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
