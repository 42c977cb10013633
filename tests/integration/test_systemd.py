"""sd_notify under a stand-in service manager: an AF_UNIX datagram socket named by NOTIFY_SOCKET.

`tanda serve` must send READY=1 (with a STATUS= naming its port and CAs) once the port answers,
WATCHDOG=1 every half WATCHDOG_USEC while it is healthy, STOPPING=1 on SIGTERM, and exit 0.
"""

import os
import re
import signal
import socket
import subprocess
import time
import unittest
import urllib.error
import urllib.request

import harness
from harness import Fixture

WATCHDOG_USEC = 400000  # pings every 0.2 s


class NotifySocket:
    """The manager's end: receives the datagrams sd_notify(3) sends."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.received = []  # every message, in order, each a dict of its KEY=VALUE lines

    def next(self, timeout):
        """The next message as a dict, or None when none came within `timeout`."""
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(4096)
        except socket.timeout:
            return None
        fields = dict(line.split("=", 1) for line in data.decode().split("\n") if "=" in line)
        self.received.append(fields)
        return fields

    def wait_for(self, key, timeout=20):
        """Reads until a message carrying `key` arrives; returns it (fails after `timeout`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = self.next(max(0.01, deadline - time.monotonic()))
            if msg is not None and key in msg:
                return msg
        raise AssertionError(f"no {key} within {timeout}s; got {self.received}")

    def close(self):
        self.sock.close()


class SystemdNotifyTest(unittest.TestCase):

    def setUp(self):
        self.fx = Fixture()
        self.addCleanup(self.fx.close)
        self.notify = NotifySocket(os.path.join(self.fx.tmp, "notify.sock"))
        self.addCleanup(self.notify.close)

    def start(self, extra_env):
        env = dict(os.environ, NOTIFY_SOCKET=self.notify.path, **extra_env)
        self.stderr_path = os.path.join(self.fx.tmp, "serve.stderr")
        self.err = open(self.stderr_path, "wb")
        self.addCleanup(self.err.close)
        # WATCHDOG_PID must be the service's own pid: the shell sets it to $$ and execs tanda.
        self.proc = subprocess.Popen(
            ["/bin/sh", "-c", 'export WATCHDOG_PID=$$; exec "$0" "$@"', harness.tanda_bin(),
             "serve", "--config", self.fx.config_path],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.err, env=env)
        self.addCleanup(self.kill)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stderr(self):
        with open(self.stderr_path, errors="replace") as f:
            return f.read()

    def test_ready_watchdog_stopping(self):
        self.start({"WATCHDOG_USEC": str(WATCHDOG_USEC)})
        ready = self.notify.wait_for("READY")
        self.assertEqual(ready["READY"], "1")
        # Nothing but watchdog pings before READY=1.
        for msg in self.notify.received[:-1]:
            self.assertEqual(set(msg), {"WATCHDOG"}, self.notify.received)

        # When READY=1 arrives the port is bound, logged and answering.
        m = re.search(r"msg=listening\b.*?\bport=\"?(\d+)", self.stderr())
        self.assertIsNotNone(m, self.stderr())
        port = int(m.group(1))
        self.assertIn(f"127.0.0.1:{port}", ready["STATUS"])
        for name in self.fx.pki.cas:
            self.assertIn(name, ready["STATUS"])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as r:
            self.assertEqual(r.status, 200)

        # Pings keep coming while it serves.
        for _ in range(5):
            self.assertEqual(self.notify.wait_for("WATCHDOG", timeout=10)["WATCHDOG"], "1")
        self.assertIn("msg=\"systemd watchdog\" ping_every_ms=200", self.stderr())

        self.proc.send_signal(signal.SIGTERM)
        stopping = self.notify.wait_for("STOPPING")
        self.assertEqual(stopping["STOPPING"], "1")
        self.assertEqual(self.proc.wait(timeout=30), 0, self.stderr())
        self.assertIn("msg=stopped", self.stderr())

    def test_stalled_io_thread_stops_watchdog_and_readiness(self):
        # TANDA_TEST_HOOKS=1: SIGUSR2 blocks the first I/O thread, as a wedged reactor would.
        self.start({"WATCHDOG_USEC": str(WATCHDOG_USEC), "TANDA_TEST_HOOKS": "1"})
        self.notify.wait_for("READY")
        port = int(re.search(r"msg=listening\b.*?\bport=\"?(\d+)", self.stderr()).group(1))
        for _ in range(3):
            self.notify.wait_for("WATCHDOG", timeout=10)
        self.proc.send_signal(signal.SIGUSR2)
        # The liveness probe's verdict is due within every + deadline + 1 s (5 s): after that,
        # no ping for much longer than the 0.2 s period.
        deadline = time.monotonic() + 15
        silent = False
        while time.monotonic() < deadline and not silent:
            silent = self.notify.next(timeout=2.0) is None
        self.assertTrue(silent, "WATCHDOG=1 kept coming with an I/O thread stalled")
        self.assertRegex(self.stderr(), r'msg="liveness probe failed" problem="I/O thread 1 of 2')
        # /readyz, answered by the thread still serving, names the stalled one.
        body = None
        for _ in range(10):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1)
            except urllib.error.HTTPError as e:
                body = e.read().decode()
                break
            except OSError:
                continue  # this connection went to the stalled thread
        self.assertIsNotNone(body, "no 503 from /readyz")
        self.assertIn("io_threads: no I/O thread round answered", body)
        self.proc.send_signal(signal.SIGTERM)
        self.assertEqual(self.proc.wait(timeout=30), 0, self.stderr())

    def test_reload_notifications(self):
        self.start({})
        self.notify.wait_for("READY")
        # A CA removed by the reload: READY=1 afterwards names only the CAs then served.
        names = sorted(self.fx.pki.cas)
        self.assertGreaterEqual(len(names), 2, names)
        kept = names[0]
        with open(self.fx.config_path) as f:
            text = f.read()
        cfg = dict(self.fx.config, cas=[c for c in self.fx.config["cas"] if c["name"] == kept])
        with open(self.fx.config_path, "w") as f:
            f.write(harness.to_yaml(cfg))
        self.proc.send_signal(signal.SIGHUP)
        reloading = self.notify.wait_for("RELOADING")
        self.assertEqual(reloading["RELOADING"], "1")
        with open("/proc/uptime") as f:  # CLOCK_MONOTONIC, close enough to compare to uptime
            uptime_usec = float(f.read().split()[0]) * 1e6
        self.assertGreater(int(reloading["MONOTONIC_USEC"]), 0)
        self.assertLess(int(reloading["MONOTONIC_USEC"]), uptime_usec + 60e6)
        ready = self.notify.wait_for("READY")
        self.assertIn(f"CAs: {kept}", ready["STATUS"])
        for other in names[1:]:
            self.assertNotIn(other, ready["STATUS"])

        # A broken file: nothing changes, yet READY=1 follows RELOADING=1 (else systemd would
        # think the service is reloading for ever).
        with open(self.fx.config_path, "w") as f:
            f.write(text + "colour: red\n")
        self.proc.send_signal(signal.SIGHUP)
        self.notify.wait_for("RELOADING")
        ready = self.notify.wait_for("READY")
        self.assertIn(f"CAs: {kept}", ready["STATUS"])
        self.assertIn("reload failed", self.stderr())

        self.proc.send_signal(signal.SIGTERM)
        self.notify.wait_for("STOPPING")
        self.assertEqual(self.proc.wait(timeout=30), 0, self.stderr())

    def test_no_watchdog_unless_asked(self):
        self.start({})
        self.notify.wait_for("READY")
        self.proc.send_signal(signal.SIGTERM)
        self.notify.wait_for("STOPPING")
        self.assertEqual(self.proc.wait(timeout=30), 0, self.stderr())
        self.assertFalse([m for m in self.notify.received if "WATCHDOG" in m],
                         self.notify.received)
        self.assertNotIn("systemd watchdog", self.stderr())


if __name__ == "__main__":
    unittest.main()
