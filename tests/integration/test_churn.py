"""Connection churn on the public listener (issue 15): floods of partial headers and of idle
connections, held and closed, must leave every I/O thread answering and the connection gauge
equal to the connections really open.

The sequence is the reproduction of the io_uring wedge, made shorter with short header and idle
timeouts: each round opens FLOOD connections, holds them while fresh probes ask for OCSP
answers, then closes them. Runs on the backend TANDA_IO_BACKEND names (CMake runs it on each).
"""

import os
import resource
import socket
import threading
import time
import unittest

from harness import Fixture, metric_value, parse_metrics, scrape_metrics, single_request

FLOOD = 2000
ROUNDS = 3
HOLD = 4.0  # seconds each flood is held: past the header timeout below
PROBE_EVERY = 0.1
PROBE_TIMEOUT = 5.0


def raise_fd_limit(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            raise unittest.SkipTest(f"RLIMIT_NOFILE hard limit {hard} < {needed}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


def open_flood(port, payload):
    """FLOOD connections, each having sent `payload` (maybe nothing)."""
    socks = []
    for _ in range(FLOOD):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        if payload:
            s.sendall(payload)
        socks.append(s)
    return socks


def closed_by_server(socks):
    """How many of the sockets the server has closed (EOF or reset), without blocking."""
    closed = 0
    for s in socks:
        s.setblocking(False)
        try:
            if s.recv(4096) == b"":
                closed += 1
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
    return closed


def close_all(socks):
    for s in socks:
        s.close()


class Prober:
    """Asks for an OCSP answer on a fresh connection every PROBE_EVERY seconds, in a thread."""

    def __init__(self, port, request):
        self.port, self.request = port, request
        self.sent = self.answered = 0
        self.failures = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self):
        while not self._stop.wait(PROBE_EVERY):
            self.sent += 1
            error = ocsp_probe(self.port, self.request)
            if error is None:
                self.answered += 1
            else:
                self.failures.append(error)


def ocsp_probe(port, der, timeout=PROBE_TIMEOUT):
    """None when a fresh connection gets an OCSP answer with HTTP 200, else what went wrong."""
    head = (f"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/ocsp-request\r\n"
            f"Content-Length: {len(der)}\r\nConnection: close\r\n\r\n").encode()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(head + der)
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
    except OSError as e:
        return f"{type(e).__name__}: {e}"
    if not data.startswith(b"HTTP/1.1 200"):
        return f"answer {data[:40]!r}"
    return None


def healthz(port, timeout=PROBE_TIMEOUT):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            data = b""
            while (chunk := s.recv(4096)):
                data += chunk
        return data.split(b"\r\n", 1)[0].decode()
    except OSError as e:
        return f"{type(e).__name__}: {e}"


class ChurnTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        raise_fd_limit(FLOOD + 512)
        cls.fx = Fixture(listen={"header_timeout": "2s", "idle_timeout": "2s",
                                 "max_connections": 10000})
        cls.addClassCleanup(cls.fx.close)
        cls.server = cls.fx.serve()
        ca = cls.fx.pki.cas["ecdsa"]
        cls.request = single_request(ca.cert, ca.leaves["good"].serial)

    def gauge(self):
        return metric_value(parse_metrics(scrape_metrics(self.server)),
                            "tanda_http_open_connections", listener="public")

    def open_fds(self):
        return len(os.listdir(f"/proc/{self.server.proc.pid}/fd"))

    def wait_for_gauge(self, expected, within=10.0):
        deadline = time.monotonic() + within
        while True:
            value = self.gauge()
            if value == expected or time.monotonic() > deadline:
                return value
            time.sleep(0.2)

    def flood_rounds(self, payload, expect_closed):
        port = self.server.port
        for round_no in range(ROUNDS):
            with Prober(port, self.request) as prober:
                socks = open_flood(port, payload)
                time.sleep(HOLD)
                closed = closed_by_server(socks)
                close_all(socks)
            what = f"{payload!r} round {round_no + 1}"
            self.assertEqual(prober.failures, [], f"{what}: probes failed")
            self.assertGreater(prober.answered, 0, what)
            if expect_closed:
                # The header (idle) timeout of 2 s has passed for every connection.
                self.assertEqual(closed, FLOOD, f"{what}: connections the server closed")
            self.assertEqual(self.wait_for_gauge(0), 0, f"{what}: open_connections after close")

    def assert_every_thread_answers(self):
        # Round robin over the I/O threads: 20 fresh connections reach each of them.
        for i in range(20):
            self.assertEqual(healthz(self.server.port), "HTTP/1.1 200 OK", f"probe {i}")
            self.assertIsNone(ocsp_probe(self.server.port, self.request), f"ocsp probe {i}")

    def test_partial_header_then_idle_floods(self):
        fds_before = self.open_fds()
        self.flood_rounds(b"GET / HTTP/1.1\r\nHost: x\r\n", expect_closed=True)
        self.flood_rounds(b"", expect_closed=True)
        time.sleep(3)
        self.assert_every_thread_answers()
        self.assertEqual(self.wait_for_gauge(0), 0, "open_connections at rest")
        # The descriptors come back too (a probe may still be closing: a little slack).
        self.assertLessEqual(self.open_fds(), fds_before + 2)


if __name__ == "__main__":
    unittest.main()
