"""A real three-server NATS cluster with JetStream on loopback, for the cluster tests.

Each server has its own temp store; ports are taken free just before start. Servers can be
killed (SIGKILL), paused (SIGSTOP) and restarted on the same ports and store.
"""
import os
import re
import shutil
import signal
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
