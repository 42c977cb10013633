"""Nobody without credentials can block the admin path (issue 15, part 3): TCP probes, idle
connections and stalled TLS handshakes never lock an operator out; a client that fails
authentication blocks only itself (its certificate, or its address when it has none); blocks
are listed and lifted with `tanda admin`. Everything on 127.0.0.1; bench/admin_abuse.sh holds
a larger flood for a minute."""

import json
import os
import resource
import socket
import ssl
import subprocess
import sys
import time

import harness
import test_admin

# Few enough failures that 20 counted probes would have blocked the address.
RATE_LIMIT = {"max_failures": 5, "window": "60s", "block": "60s"}

ATTACKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench",
                        "admin_abuse_attacker.py")
# bench/soak.sh's admin flood (1000 idle connections, 100 trickled ClientHellos, from 127.0.0.2,
# each reopened as the server closes it), held long enough for thousands of handshakes to be
# evicted and their receives cancelled.
FLOOD_SECONDS, FLOOD_IDLE, FLOOD_SLOW = 20, 1000, 100


def raise_nofile(wanted=4096):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))


def partial_client_hello():
    """The first half of a real TLS ClientHello: the server waits for the rest."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ctx.wrap_bio(incoming, outgoing, server_hostname="localhost")
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    hello = outgoing.read()
    return hello[:len(hello) // 2]


class AdminAbuseTest(test_admin.AdminTestCase):
    RATE_LIMIT = RATE_LIMIT
    CLI_TIMEOUT = 30

    @classmethod
    def setUpClass(cls):
        raise_nofile()
        super().setUpClass()

    def assert_operator_gets_in(self, within=2.0):
        start = time.monotonic()
        r = self.cli("journal", "--since", "1", "--limit", "1")
        took = time.monotonic() - start
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertLess(took, within, f"the operator's call took {took:.2f} s")
        return took

    def metric(self, name):
        samples = harness.parse_metrics(harness.scrape_metrics(self.fx.server))
        return harness.metric_value(samples, name)

    def key_of(self, client):
        return "spki:" + test_admin.spki_sha256(self.admin.clients[client])

    def fail_until_blocked(self, client, expected_status):
        for _ in range(RATE_LIMIT["max_failures"]):
            status, body = self.call("GET", "/v1/journal/verify", client=client)
            self.assertEqual(status, expected_status, body)
        status, body = self.call("GET", "/v1/journal/verify", client=client)
        self.assertEqual(status, 429, body)

    def test_a_tcp_probes_never_count(self):
        for _ in range(20):  # nc -z
            socket.create_connection(("127.0.0.1", self.fx.server.admin_port), timeout=5).close()
        time.sleep(0.5)  # the server sees each close as a failed handshake
        self.assert_operator_gets_in()
        # Nor is the address blocked for clients without a certificate: 401, not 429.
        status, body = self.call("GET", "/v1/journal/verify", client=None)
        self.assertEqual(status, 401, body)
        self.assertEqual(self.metric("tanda_admin_blocks_total"), 0)

    def test_b_idle_connections_and_stalled_handshakes_leave_room(self):
        port = self.fx.server.admin_port
        hello = partial_client_hello()
        held = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(150)]
        try:
            for _ in range(20):
                s = socket.create_connection(("127.0.0.1", port), timeout=5)
                s.sendall(hello)
                held.append(s)
            deadline = time.monotonic() + 5
            calls = 0
            while time.monotonic() < deadline:
                self.assert_operator_gets_in()
                calls += 1
                time.sleep(0.25)
            self.assertGreaterEqual(calls, 3)
        finally:
            for s in held:
                s.close()
        self.assertGreater(self.metric("tanda_admin_tls_handshakes_evicted_total"), 0)
        self.assertEqual(self.metric("tanda_admin_blocks_total"), 0)

    def test_c_a_failing_certificate_blocks_only_itself(self):
        self.fail_until_blocked("foreign", 401)  # a certificate from a CA the listener refuses
        self.assert_operator_gets_in()
        status, body = self.call("GET", "/v1/journal/verify", client="auditor")
        self.assertEqual(status, 200, body)
        status, body = self.call("GET", "/v1/journal/verify", client=None)
        self.assertEqual(status, 401, body)
        log = self.fx.server.stderr()
        self.assertIn(f'msg="admin block" key={self.key_of("foreign")}', log)

    def test_d_blocks_are_listed_and_an_operator_lifts_them(self):
        self.fail_until_blocked("nobody", 403)  # a good certificate without a role
        key = self.key_of("nobody")
        r = self.cli("blocks", client="auditor")
        self.assertEqual(r.returncode, 0, r.stderr)
        listed = {b["key"]: b for b in json.loads(r.stdout)["blocks"]}
        self.assertIn(key, listed)
        self.assertGreater(listed[key]["seconds_left"], 50)
        self.assertEqual(listed[key]["failures"], RATE_LIMIT["max_failures"])

        r = self.cli("unblock")
        self.assertEqual(r.returncode, 2, r.stderr)  # --block KEY or --all
        self.assertIn("--block KEY or --all", r.stderr)
        r = self.cli("unblock", "--block", key, client="auditor")
        self.assertEqual(r.returncode, 1)
        self.assertIn("HTTP 403", r.stderr)
        r = self.cli("unblock", "--block", key)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout), {"unblocked": [key]})
        status, body = self.call("GET", "/v1/journal/verify", client="nobody")
        self.assertEqual(status, 403, body)  # refused as before, no longer 429
        r = self.cli("unblock", "--block", key)
        self.assertEqual(r.returncode, 1)
        self.assertIn("HTTP 404", r.stderr)

        r = self.cli("unblock", "--all")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.cli("blocks", client="auditor")
        self.assertEqual(json.loads(r.stdout)["blocks"], [])
        self.assertIn(f'msg="admin block lifted" key={key} by=', self.fx.server.stderr())
        self.assertGreaterEqual(self.metric("tanda_admin_unblocks_total"), 1)
        self.assertGreaterEqual(self.metric("tanda_admin_blocks_total"), 1)
        self.assertEqual(self.metric("tanda_admin_blocked"), 0)

    def test_e_a_reopening_flood_leaves_the_server_serving(self):
        """Issue 15: on io_uring, Asio 1.81 gave the completion of a cancel (a handshake closed
        at its cap or deadline) to another connection's pending receive, whose handshake then
        failed with ENOENT while the kernel still held the receive and its buffer: under this
        flood tanda aborted with heap corruption (http/io_uring_submit.cpp). The server lives,
        an operator gets in during and after the flood, and no handshake fails with an error no
        socket gives. (On the opt-in io_uring build, with the fix, the ENOENT failures and the
        corruption are gone but an operator still gets no handshake during the flood: open in
        issue 15. `make test` builds epoll only.)"""
        server = self.fx.server
        attacker = subprocess.Popen(
            [sys.executable, ATTACKER, str(server.admin_port), str(FLOOD_SECONDS),
             str(FLOOD_IDLE), str(FLOOD_SLOW), "127.0.0.2"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            calls = 0
            while attacker.poll() is None:
                self.assertIsNone(server.proc.poll(), "tanda exited during the flood:\n" +
                                  server.stderr()[-3000:])
                r = self.cli("journal", "--since", "1", "--limit", "1")
                self.assertEqual(r.returncode, 0, r.stderr)
                calls += 1
                time.sleep(1)
            out, err = attacker.communicate()
        finally:
            if attacker.poll() is None:
                attacker.kill()
                attacker.wait()
        self.assertEqual(attacker.returncode, 0, err)
        self.assertIn("ATTACK source=127.0.0.2", out)
        self.assertGreaterEqual(calls, 3)
        self.assertIsNone(server.proc.poll(),
                          "tanda exited after the flood:\n" + server.stderr()[-3000:])
        self.assert_operator_gets_in(within=10.0)
        self.assertNotIn('error="No such file or directory"', server.stderr())
        self.assertGreater(self.metric("tanda_admin_tls_handshakes_evicted_total"), 0)
