"""Crash safety: revocations streamed through the admin API while the daemon is killed with
SIGKILL at random moments, many times over. After every restart each revocation that got a 2xx
is there with its exact data (OCSP and the admin API agree), replaying it answers the original
without a second journal entry, a request cut off in flight is either wholly applied or absent,
the journal chain verifies, and no journal seq or request_id appears twice."""

import datetime as dt
import hashlib
import http.client
import json
import os
import random
import signal
import ssl
import threading
import time
import unittest

from cryptography import x509
from cryptography.x509 import ocsp

import harness
from harness import Fixture, Server, now, run_tanda
from test_admin import AdminPki

UTC = dt.timezone.utc
ROUNDS = int(os.environ.get("TANDA_CRASH_ROUNDS", "24"))
PER_ROUND = 500  # serials a round may revoke at most; each request revokes a fresh one
SERIALS = PER_ROUND * (ROUNDS + 1)
SERIAL_BASE = 0x500000
EVIDENCE = hashlib.sha256(b"crash safety letter").hexdigest()
# Reasons a fresh revocation may carry (certificateHold too: it is a revocation state).
REASONS = ["unspecified", "keyCompromise", "cACompromise", "affiliationChanged", "superseded",
           "cessationOfOperation", "certificateHold", "privilegeWithdrawn", "aACompromise"]
OCSP_REASONS = {"keyCompromise": x509.ReasonFlags.key_compromise,
                "cACompromise": x509.ReasonFlags.ca_compromise,
                "affiliationChanged": x509.ReasonFlags.affiliation_changed,
                "superseded": x509.ReasonFlags.superseded,
                "cessationOfOperation": x509.ReasonFlags.cessation_of_operation,
                "certificateHold": x509.ReasonFlags.certificate_hold,
                "privilegeWithdrawn": x509.ReasonFlags.privilege_withdrawn,
                "aACompromise": x509.ReasonFlags.aa_compromise}


def rfc3339(t):
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def subject_of(serial):
    return f"CN=crash {serial:X},O=Tanda Integration,C=ID"


class AdminConnection:
    """One keep-alive mutual-TLS connection; reconnects after any failure."""

    def __init__(self, ctx, port):
        self.ctx, self.port, self.conn = ctx, port, None

    def call(self, method, path, body=None, timeout=10):
        """Returns (status, parsed JSON or bytes); raises OSError/HTTPException on failures."""
        if self.conn is None:
            self.conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.ctx,
                                                    timeout=timeout)
        try:
            data = json.dumps(body) if body is not None else None
            headers = {"Content-Type": "application/json"} if data is not None else {}
            self.conn.request(method, path, body=data, headers=headers)
            res = self.conn.getresponse()
            text = res.read()
        except BaseException:
            self.close()
            raise
        try:
            return res.status, json.loads(text)
        except ValueError:
            return res.status, text

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class CrashSafetyTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        holder = {}

        def extra(fx):
            holder["admin"] = AdminPki(os.path.join(fx.tmp, "admin"))
            # Many issued serials, written straight into the ecdsa CA's index.txt before import.
            na = harness.asn1_time(now() + dt.timedelta(days=365))
            with open(fx.pki.ecdsa.index_path, "a") as f:
                for i in range(SERIALS):
                    s = SERIAL_BASE + i
                    f.write(f"V\t{na}\t\t{s:X}\tunknown\t/C=ID/O=Tanda Integration/CN=crash {s:X}\n")
            return holder["admin"].config()

        cls.fx = Fixture(extra=extra)
        cls.addClassCleanup(cls.fx.close)
        cls.admin = holder["admin"]
        cls.ca = cls.fx.pki.ecdsa

    def setUp(self):
        self.rng = random.Random(int(os.environ.get("TANDA_CRASH_SEED", time.time_ns())))
        self.next_serial = SERIAL_BASE
        self.acked = {}       # request_id -> (request body, 2xx response body)
        self.unacked = {}     # request_id -> request body (sent, no 2xx seen)
        self.refused = []     # non-2xx answers (there should be none)
        self.server = None
        self.round = 0

    def tearDown(self):
        if self.server is not None:
            self.server.stop()

    # -- server life --------------------------------------------------------------------------

    def start(self):
        self.server = Server(["serve", "--config", self.fx.config_path], self.fx.tmp,
                             name=f"serve-{self.round}")
        self.server.start()
        self.assertIsNotNone(self.server.admin_port, self.server.stderr())
        self.round += 1

    def kill(self):
        self.server.proc.send_signal(signal.SIGKILL)
        self.server.proc.wait()
        self.assertEqual(self.server.proc.returncode, -signal.SIGKILL)
        self.server.stop()  # closes the log files
        self.server = None

    def context(self, client):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(self.admin.path_server_ca)
        ctx.load_cert_chain(*self.admin.pair(client))
        return ctx

    def connection(self, client="operator"):
        return AdminConnection(self.context(client), self.server.admin_port)

    # -- requests -----------------------------------------------------------------------------

    def new_request(self, lock):
        """A fresh revocation, or None once this round's serials are used up."""
        with lock:
            if self.next_serial >= self.round_end:
                return None
            serial = self.next_serial
            self.next_serial += 1
        t = now()
        body = {"request_id": f"crash-{self.round}-{serial:X}", "ca": "ecdsa",
                "serial": f"{serial:X}", "reason": self.rng.choice(REASONS),
                "subject_dn": subject_of(serial), "requested_by": f"holder {serial}",
                "approved_by": "Siti (supervisor)", "approved_at": rfc3339(t),
                "evidence_sha256": EVIDENCE}
        if self.rng.random() < 0.7:  # otherwise the server's clock sets revoked_at
            body["revoked_at"] = rfc3339(t - dt.timedelta(seconds=self.rng.randint(0, 10**8)))
        if self.rng.random() < 0.5:
            body["invalidity_date"] = rfc3339(t - dt.timedelta(seconds=self.rng.randint(0, 10**8)))
        if body["reason"] == "unspecified" and self.rng.random() < 0.5:
            del body["reason"]
        return body

    def stream(self, client, stop, lock):
        conn = self.connection(client)
        try:
            while not stop.is_set():
                body = self.new_request(lock)
                if body is None:
                    return
                with lock:
                    self.unacked[body["request_id"]] = body
                try:
                    status, answer = conn.call("POST", "/v1/revocations", body)
                except (OSError, http.client.HTTPException):
                    return  # killed mid-request: stays unacknowledged, the server is gone
                if 200 <= status < 300:
                    with lock:
                        del self.unacked[body["request_id"]]
                        self.acked[body["request_id"]] = (body, answer)
                else:
                    with lock:
                        del self.unacked[body["request_id"]]
                        self.refused.append((status, answer))
        finally:
            conn.close()

    # -- checks -------------------------------------------------------------------------------

    def journal(self, conn):
        entries, since = [], 1
        while True:
            status, page = conn.call("GET", f"/v1/journal?since={since}&limit=1000")
            self.assertEqual(status, 200, page)
            entries.extend(page["entries"])
            if not page["entries"] or page["next_since"] <= since:
                return entries
            since = page["next_since"]

    def expected_record(self, body, answer=None):
        """(reason name, revoked_at, invalidity_date) the request must leave behind."""
        revoked_at = body.get("revoked_at") or (answer or {}).get("revoked_at")
        return (body.get("reason", "unspecified"), revoked_at, body.get("invalidity_date"))

    def assert_entry_matches(self, entry, body, answer=None):
        self.assertEqual(entry["kind"], "revoke")
        self.assertEqual(entry["serial"], body["serial"])
        self.assertEqual(entry["requested_by"], body["requested_by"])
        self.assertEqual(entry["approved_by"], body["approved_by"])
        self.assertEqual(entry["evidence_sha256"], body["evidence_sha256"])
        reason, revoked_at, invalidity = self.expected_record(body, answer)
        got = (entry["reason"], entry["revoked_at"], entry["invalidity_date"])
        if revoked_at is None:  # unacknowledged and the server chose the time
            got = (got[0], None, got[2])
        self.assertEqual(got, (reason, revoked_at, invalidity), entry)
        status = "on_hold" if reason == "certificateHold" else "revoked"
        self.assertEqual(entry["status"], status)

    def assert_ocsp(self, http_conn, body, answer):
        serial = int(body["serial"], 16)
        der = harness.single_request(self.ca.cert, serial)
        http_conn.request("POST", "/", body=der,
                          headers={"Content-Type": "application/ocsp-request"})
        res = http_conn.getresponse()
        raw = res.read()
        self.assertEqual(res.status, 200)
        resp = ocsp.load_der_ocsp_response(raw)
        self.assertEqual(resp.response_status, ocsp.OCSPResponseStatus.SUCCESSFUL)
        self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.REVOKED, body)
        reason, revoked_at, invalidity = self.expected_record(body, answer)
        self.assertEqual(resp.revocation_reason, OCSP_REASONS.get(reason), body)
        self.assertEqual(rfc3339(resp.revocation_time.replace(tzinfo=UTC)), revoked_at)
        exts = [e for e in resp.single_extensions if isinstance(e.value, x509.InvalidityDate)]
        got = rfc3339(exts[0].value.invalidity_date.replace(tzinfo=UTC)) if exts else None
        self.assertEqual(got, invalidity, body)

    def check_after_restart(self):
        conn = self.connection("operator")
        auditor = self.connection("auditor")
        try:
            status, v = auditor.call("GET", "/v1/journal/verify")
            self.assertEqual(status, 200, v)
            self.assertTrue(v["ok"], v)
            journal = self.journal(auditor)
            self.assertEqual(v["entries"], len(journal))
            seqs = [e["seq"] for e in journal]
            self.assertEqual(seqs, list(range(1, len(seqs) + 1)), "seq gaps or duplicates")
            by_id = {}
            for e in journal:
                if e["request_id"]:
                    self.assertNotIn(e["request_id"], by_id, "request_id journaled twice")
                    by_id[e["request_id"]] = e
            for e, prev in zip(journal[1:], journal):
                self.assertEqual(e["prev_hash"], prev["hash"])
            # Every acknowledged revocation: journaled once with its data, same record via GET.
            for rid, (body, answer) in self.acked.items():
                self.assertIn(rid, by_id, f"acknowledged {rid} lost after SIGKILL")
                self.assert_entry_matches(by_id[rid], body, answer)
                self.assertEqual(by_id[rid]["seq"], answer["seq"])
            # The ones of the last round: OCSP and the record API agree, and a replay answers
            # the original.
            http_conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
            try:
                for rid in self.last_round_acked:
                    body, answer = self.acked[rid]
                    self.assert_ocsp(http_conn, body, answer)
                    status, rec = auditor.call("GET", f"/v1/certificates/ecdsa/{body['serial']}")
                    self.assertEqual(status, 200, rec)
                    self.assertEqual((rec["reason"], rec["revoked_at"], rec["invalidity_date"]),
                                     self.expected_record(body, answer))
                    self.assertEqual(rec["last_seq"], answer["seq"])
            finally:
                http_conn.close()
            for rid in self.rng.sample(self.last_round_acked, min(3, len(self.last_round_acked))):
                body, answer = self.acked[rid]
                status, again = conn.call("POST", "/v1/revocations", body)
                self.assertEqual((status, again), (201, answer))
            # Unacknowledged in-flight requests: wholly applied or not at all.
            for rid, body in self.unacked.items():
                status, rec = auditor.call("GET", f"/v1/certificates/ecdsa/{body['serial']}")
                self.assertEqual(status, 200, rec)
                if rid in by_id:
                    self.assert_entry_matches(by_id[rid], body)
                    self.assertEqual(rec["last_seq"], by_id[rid]["seq"])
                    self.assertEqual((rec["reason"], rec["invalidity_date"]),
                                     (body.get("reason", "unspecified"),
                                      body.get("invalidity_date")))
                    self.applied_unacked += 1
                else:
                    self.assertEqual(rec["status"], "good", (rid, rec))
                    self.assertIsNone(rec["revoked_at"])
                    status, st = auditor.call("GET", f"/v1/requests/{rid}")
                    self.assertEqual(status, 404, st)
                self.cut_off += 1
            # A client that never heard back retries: the retry applies it now, or answers the
            # original entry if the cut-off request had been applied.
            new_entries = 0
            for rid, body in list(self.unacked.items()):
                status, answer = conn.call("POST", "/v1/revocations", body)
                self.assertEqual(status, 201, answer)
                if rid in by_id:
                    self.assertEqual(answer["seq"], by_id[rid]["seq"])
                else:
                    self.assertGreater(answer["seq"], len(journal))
                    new_entries += 1
                self.assertEqual(answer["request_id"], rid)
                self.acked[rid] = (body, answer)
                del self.unacked[rid]
            # The replays above added nothing; the retries of requests not applied one each.
            status, v2 = auditor.call("GET", "/v1/journal/verify")
            self.assertEqual((status, v2["ok"], v2["entries"]),
                             (200, True, len(journal) + new_entries))
        finally:
            conn.close()
            auditor.close()

    # -- the test -----------------------------------------------------------------------------

    def test_sigkill_while_streaming_revocations(self):
        self.applied_unacked = self.cut_off = 0
        self.last_round_acked = []
        kills_with_acks = 0
        self.start()
        for r in range(ROUNDS):
            lock, stop = threading.Lock(), threading.Event()
            before = set(self.acked)
            self.next_serial = SERIAL_BASE + r * PER_ROUND
            self.round_end = self.next_serial + PER_ROUND
            clients = ["operator", "operator2"][:1 + (r % 2)]
            threads = [threading.Thread(target=self.stream, args=(c, stop, lock)) for c in clients]
            for t in threads:
                t.start()
            time.sleep(self.rng.uniform(0.02, 0.5))
            self.kill()
            stop.set()
            for t in threads:
                t.join(30)
                self.assertFalse(t.is_alive())
            self.assertEqual(self.refused, [])
            self.last_round_acked = sorted(set(self.acked) - before)
            kills_with_acks += bool(self.last_round_acked)
            self.start()
            with self.subTest(round=r):
                self.check_after_restart()
        self.assertGreater(len(self.acked), ROUNDS, "too few revocations acknowledged to judge")
        self.assertGreater(kills_with_acks, ROUNDS // 2)
        # The offline view agrees: the CLI client verifies the chain.
        cert, key = self.admin.pair("auditor")
        cli = run_tanda("admin", "verify", "--url",
                        f"https://127.0.0.1:{self.server.admin_port}", "--cert", cert,
                        "--key", key, "--cacert", self.admin.path_server_ca)
        self.assertEqual(cli.returncode, 0, cli.stderr)
        self.assertIn('"ok": true', cli.stdout)
        print(f"\ncrash safety: {ROUNDS} SIGKILLs, {len(self.acked)} acknowledged revocations, "
              f"{self.cut_off} cut off in flight ({self.applied_unacked} of them applied)")


if __name__ == "__main__":
    unittest.main()
