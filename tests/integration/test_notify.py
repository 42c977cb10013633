"""Holder notifications: webhooks delivered from the journal to a real HTTPS receiver (Python's
http.server over ssl, on loopback, with a CA made by the openssl CLI) that is down for a while,
then up. Every event arrives with a valid HMAC-SHA256 signature, none is lost across a SIGKILL of
tanda between commit and delivery, and a repeat only ever comes under the same event id."""

import datetime as dt
import hashlib
import hmac
import json
import os
import signal
import ssl
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import harness
from harness import Fixture, Server, now
from test_admin import AdminPki
from test_crash_safety import AdminConnection, rfc3339

SECRET = b"webhook secret of the RA \x00\xff"
SERIAL_BASE = 0x7A000
SERIALS = 8
EVIDENCE = hashlib.sha256(b"notify letter").hexdigest()


def make_receiver_pki(directory):
    """A self-signed CA and a server certificate for 127.0.0.1, made with the openssl CLI."""
    os.makedirs(directory, exist_ok=True)
    p = lambda name: os.path.join(directory, name)
    steps = [
        ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", p("ca.key"), "-out", p("ca.pem"), "-subj", "/CN=Receiver CA", "-days", "2",
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", p("server.key"), "-out", p("server.csr"), "-subj", "/CN=127.0.0.1"],
    ]
    with open(p("server.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    steps.append(["x509", "-req", "-in", p("server.csr"), "-CA", p("ca.pem"), "-CAkey",
                  p("ca.key"), "-CAcreateserial", "-out", p("server.pem"), "-days", "2",
                  "-extfile", p("server.ext")])
    for args in steps:
        r = harness.openssl(*args)
        if r.returncode != 0:
            raise AssertionError(f"openssl {args[0]} failed: {r.stderr}")
    return p("ca.pem"), p("server.pem"), p("server.key")


class Receiver:
    """The RA's webhook endpoint. Checks each signature; answers 503 to the first delivery of
    every `fail_first` event id, so tanda must retry it under the same id."""

    def __init__(self, port, cert, key, fail_first=()):
        self.port, self.cert, self.key = port, cert, key
        self.fail_first = set(fail_first)
        self.lock = threading.Lock()
        # (event id header, type header, parsed body, signature ok, answered 200)
        self.deliveries = []
        self.httpd = None

    def start(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                want = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
                ok = hmac.compare_digest(want, self.headers.get("Tanda-Signature", ""))
                event_id = self.headers.get("Tanda-Event-Id")
                with receiver.lock:
                    refuse = event_id in receiver.fail_first
                    receiver.fail_first.discard(event_id)
                    receiver.deliveries.append((event_id, self.headers.get("Tanda-Event-Type"),
                                                json.loads(body), ok, ok and not refuse))
                self.send_response(503 if refuse or not ok else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.cert, self.key)
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None

    def snapshot(self):
        with self.lock:
            return list(self.deliveries)


class NotifyTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        holder = {}

        def extra(fx):
            holder["admin"] = AdminPki(os.path.join(fx.tmp, "admin"))
            ca_pem, cert, key = make_receiver_pki(os.path.join(fx.tmp, "receiver"))
            holder["receiver"] = (cert, key)
            secret_path = os.path.join(fx.tmp, "webhook.secret")
            fd = os.open(secret_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(SECRET + b"\n")  # the trailing newline is not part of the key
            holder["port"] = harness.free_port()
            na = harness.asn1_time(now() + dt.timedelta(days=365))
            with open(fx.pki.rsa.index_path, "a") as f:
                for i in range(SERIALS):
                    s = SERIAL_BASE + i
                    f.write(f"V\t{na}\t\t{s:X}\tunknown\t/C=ID/O=Tanda Integration/CN=notify {s:X}\n")
            config = holder["admin"].config()
            config["notify"] = [{"name": "ra", "url": f"https://127.0.0.1:{holder['port']}/hooks",
                                 "ca_file": ca_pem, "secret_file": secret_path,
                                 "timeout": "5s", "max_backoff": "2s"}]
            return config

        # The rsa CA publishes CRLs (signed with its own key): its requests reach "success".
        cls.fx = Fixture(extra=extra)
        cls.addClassCleanup(cls.fx.close)
        cls.admin = holder["admin"]
        cls.receiver_files = holder["receiver"]
        cls.receiver_port = holder["port"]

    def setUp(self):
        self.server = None
        self.receiver = None
        self.round = 0

    def tearDown(self):
        if self.server is not None:
            self.server.stop()
        if self.receiver is not None:
            self.receiver.stop()

    def start(self):
        self.server = Server(["serve", "--config", self.fx.config_path], self.fx.tmp,
                             name=f"notify-{self.round}")
        self.server.start()
        self.round += 1

    def kill(self):
        self.server.proc.send_signal(signal.SIGKILL)
        self.server.proc.wait()
        self.assertEqual(self.server.proc.returncode, -signal.SIGKILL)
        self.server.stop()
        self.server = None

    def revoke(self, serial):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(self.admin.path_server_ca)
        ctx.load_cert_chain(*self.admin.pair("operator"))
        conn = AdminConnection(ctx, self.server.admin_port)
        request_id = f"notify-{serial:X}"
        body = {"request_id": request_id, "ca": "rsa", "serial": f"{serial:X}",
                "reason": "keyCompromise",
                "subject_dn": f"CN=notify {serial:X},O=Tanda Integration,C=ID",
                "requested_by": f"holder {serial}", "approved_by": "Siti (supervisor)",
                "approved_at": rfc3339(now()), "evidence_sha256": EVIDENCE}
        try:
            status, answer = conn.call("POST", "/v1/revocations", body)
        finally:
            conn.close()
        self.assertIn(status, (200, 201), answer)
        return request_id, answer["seq"]

    def metrics(self):
        text = harness.scrape_metrics(self.server)
        checked = harness.subprocess.run(["promtool", "check", "metrics"], input=text, text=True,
                                         stdout=harness.subprocess.PIPE,
                                         stderr=harness.subprocess.STDOUT)
        self.assertEqual(checked.returncode, 0, checked.stdout)
        return harness.parse_metrics(text)

    def wait_for(self, what, predicate, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.2)
        self.fail(f"timed out waiting for {what}\n{self.server.stderr() if self.server else ''}")

    def test_delivery_across_receiver_downtime_and_sigkill(self):
        # The receiver is down: requests are committed, their events are not delivered.
        self.start()
        requests = [self.revoke(SERIAL_BASE + i) for i in range(3)]
        self.wait_for("failed deliveries", lambda: harness.metric_value(
            self.metrics(), "tanda_notify_delivery_failures_total", target="ra") >= 1)
        m = self.metrics()
        self.assertGreaterEqual(harness.metric_value(m, "tanda_notify_backlog_entries",
                                                     target="ra"), 1)
        self.assertGreater(harness.metric_value(
            m, "tanda_notify_oldest_undelivered_age_seconds", target="ra"), -1)
        self.assertEqual(harness.metric_value(m, "tanda_notify_delivered_total", target="ra"), 0)
        # SIGKILL between commit and delivery: only the journal and the cursor remain.
        self.kill()
        self.start()
        self.assertGreaterEqual(harness.metric_value(
            self.metrics(), "tanda_notify_backlog_entries", target="ra"), 3)
        requests.append(self.revoke(SERIAL_BASE + 3))
        self.assertNotIn("webhook secret", self.server.stderr())

        # The receiver comes up and refuses the first try of one event: it must come again.
        first_applied = f"tanda-{requests[0][1]}-applied"
        self.receiver = Receiver(self.receiver_port, *self.receiver_files,
                                 fail_first=[first_applied])
        self.receiver.start()
        expected = {}
        for request_id, seq in requests:
            expected[f"tanda-{seq}-applied"] = ("applied", request_id)
            expected[f"tanda-{seq}-success"] = ("success", request_id)
        acked = lambda: {d[0] for d in self.receiver.snapshot() if d[4]}
        self.wait_for("every event", lambda: set(expected) <= acked())

        # With the receiver up: a SIGKILL right after the 201s, whatever was in flight.
        more = [self.revoke(SERIAL_BASE + i) for i in (4, 5)]
        self.kill()
        self.start()
        for request_id, seq in more:
            expected[f"tanda-{seq}-applied"] = ("applied", request_id)
            expected[f"tanda-{seq}-success"] = ("success", request_id)
        requests += more
        self.wait_for("every event after the second kill", lambda: set(expected) <= acked())

        # Killed again once all is delivered, and started: acknowledged events are not resent.
        time.sleep(0.5)
        sent_before = len(self.receiver.snapshot())
        self.kill()
        self.start()
        self.wait_for("an empty backlog", lambda: harness.metric_value(
            self.metrics(), "tanda_notify_backlog_entries", target="ra") == 0)
        time.sleep(2.5)  # over two polls
        self.assertEqual(len(self.receiver.snapshot()), sent_before)

        deliveries = self.receiver.snapshot()
        self.assertTrue(all(d[3] for d in deliveries), "a delivery with a bad signature")
        ids = [d[0] for d in deliveries]
        self.assertEqual(set(ids), set(expected), "an event under an unknown id")
        self.assertGreaterEqual(ids.count(first_applied), 2)
        for event_id, event_type, body, _, _ in deliveries:
            want_type, request_id = expected[event_id]
            self.assertEqual(event_type, want_type)
            self.assertEqual(body["event_id"], event_id)
            self.assertEqual(body["type"], want_type)
            self.assertEqual(body["request_id"], request_id)
            self.assertEqual(body["ca"], "rsa")
            self.assertEqual(body["status"], "revoked")
            self.assertEqual(body["reason"], "keyCompromise")
            if want_type == "success":
                self.assertGreaterEqual(body["published_in_crl"]["crl_number"], 1)
        # In order per request: its applied (first arrival) before its success, and the applied
        # events in journal order.
        first = {}
        for i, event_id in enumerate(ids):
            first.setdefault(event_id, i)
        for _, seq in requests:
            self.assertLess(first[f"tanda-{seq}-applied"], first[f"tanda-{seq}-success"])
        applied_order = [first[f"tanda-{seq}-applied"] for _, seq in requests]
        self.assertEqual(applied_order, sorted(applied_order))


if __name__ == "__main__":
    unittest.main()
