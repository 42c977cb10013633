"""A real three-server NATS cluster with JetStream on loopback, for the cluster tests.

Each server has its own temp store; ports are taken free just before start. Servers can be
killed (SIGKILL), paused (SIGSTOP) and restarted on the same ports and store. `request` speaks
the NATS client protocol itself (Debian packages no Python NATS client), for tests that write
to the stream behind Tanda's back.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time

from harness import free_port

NATS_SERVER = shutil.which("nats-server") or "/usr/sbin/nats-server"


class NatsServer:
    def __init__(self, name, directory, port, cluster_port, route_ports):
        self.name, self.dir, self.port = name, directory, port
        self.conf = os.path.join(directory, f"{name}.conf")
        os.makedirs(os.path.join(directory, name), exist_ok=True)
        routes = ", ".join(f"nats-route://127.0.0.1:{p}" for p in route_ports)
        with open(self.conf, "w") as f:
            f.write(f"""server_name: {name}
listen: 127.0.0.1:{port}
max_payload: 8MB
jetstream {{ store_dir: "{os.path.join(directory, name)}" }}
cluster {{ name: tanda-test, listen: 127.0.0.1:{cluster_port}, routes: [{routes}] }}
""")
        self.log = os.path.join(directory, f"{name}.log")
        self.proc = None

    @property
    def url(self):
        return f"nats://127.0.0.1:{self.port}"

    def start(self):
        self._log = open(self.log, "ab")
        self.proc = subprocess.Popen([NATS_SERVER, "-c", self.conf], stdout=self._log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.kill()
            self.proc.wait()
        if self.proc:
            self._log.close()

    def pause(self):
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self):
        self.proc.send_signal(signal.SIGCONT)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self._log.close()
            self.proc = None


class NatsCluster:
    def __init__(self, directory, size=3):
        ports = [free_port() for _ in range(size)]
        cluster_ports = [free_port() for _ in range(size)]
        self.servers = [NatsServer(f"n{i + 1}", directory, ports[i], cluster_ports[i],
                                   [p for j, p in enumerate(cluster_ports) if j != i])
                        for i in range(size)]

    def start(self, timeout=30):
        for s in self.servers:
            s.start()
        self.wait_jetstream(timeout)

    def wait_jetstream(self, timeout=30):
        """Until JetStream's meta group has a leader (streams can be created)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for s in self.servers:
                with open(s.log, errors="replace") as f:
                    if re.search(r"JetStream cluster new metadata leader|"
                                 r"Self is new JetStream cluster metadata leader", f.read()):
                        return
            time.sleep(0.1)
        raise AssertionError("no JetStream metadata leader in the NATS cluster")

    @property
    def urls(self):
        return [s.url for s in self.servers]

    def stop(self):
        for s in self.servers:
            s.stop()


def request(url, subject, payload, headers=None, timeout=10):
    """Publishes `payload` (with `headers`) on `subject` and returns the first reply's payload
    (a JetStream API answer or publish acknowledgement, JSON), over one plain connection."""
    host, port = url.removeprefix("nats://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        reader = sock.makefile("rb")
        if not reader.readline().startswith(b"INFO "):
            raise AssertionError(f"{url} is not a NATS server")
        inbox = "_INBOX.tanda-test"
        out = (b'CONNECT {"verbose":false,"pedantic":false,"headers":true,'
               b'"no_responders":true,"protocol":1}\r\n' + f"SUB {inbox} 1\r\n".encode())
        if headers:
            head = ("NATS/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
                    + "\r\n").encode()
            out += f"HPUB {subject} {inbox} {len(head)} {len(head) + len(payload)}\r\n".encode()
            out += head + payload + b"\r\n"
        else:
            out += f"PUB {subject} {inbox} {len(payload)}\r\n".encode() + payload + b"\r\n"
        sock.sendall(out + b"PING\r\n")
        while True:
            line = reader.readline()
            if not line:
                raise AssertionError(f"{url} closed the connection before replying")
            words = line.split()
            if words[0] == b"PING":
                sock.sendall(b"PONG\r\n")
            elif words[0] == b"-ERR":
                raise AssertionError(f"{url}: {line.decode().strip()}")
            elif words[0] in (b"MSG", b"HMSG"):
                body = reader.read(int(words[-1]) + 2)[:-2]
                if words[0] == b"HMSG":
                    header_bytes = int(words[-2])
                    if b" 503" in body[:header_bytes].split(b"\r\n")[0]:
                        raise AssertionError(f"no responders on {subject}")
                    body = body[header_bytes:]
                return json.loads(body)
