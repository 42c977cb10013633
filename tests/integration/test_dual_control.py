"""Dual control (issue 17): with approvals: 2 a revocation or release waits as a pending request
until ANOTHER operator, told apart by the client certificate (subject and key), approves it.
Rejections, expiries and refusals are journal entries that change no record; the holder's
status shows each state."""

import http.client
import json
import ssl
import time
import unittest
import urllib.error
import urllib.request

from cryptography.x509 import ocsp

from harness import run_tanda
from test_admin import AdminTestCase

PENDING_TTL_SECONDS = 4


class DualControlTest(AdminTestCase):

    # ecdsa: the default two approvals, a long pending_ttl; rsa: a short one, for expiry.
    CA_OPTIONS = {"ecdsa": {"approvals": 2, "pending_ttl": "1h"},
                  "rsa": {"approvals": 2, "pending_ttl": f"{PENDING_TTL_SECONDS}s"}}

    def post(self, path, body, client="operator", raw=None):
        """(status, JSON body, headers) of a POST on the admin listener."""
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(self.admin.path_server_ca)
        ctx.load_cert_chain(*self.admin.pair(client))
        conn = http.client.HTTPSConnection("127.0.0.1", self.fx.server.admin_port, context=ctx,
                                           timeout=20)
        try:
            conn.request("POST", path, body=raw if raw is not None else json.dumps(body),
                         headers={"Content-Type": "application/json"})
            res = conn.getresponse()
            return res.status, json.loads(res.read()), res.headers
        finally:
            conn.close()

    def holder_status(self, token):
        try:
            with urllib.request.urlopen(f"{self.fx.server.url}/status/{token}", timeout=10) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:
            self.fail(f"GET /status: HTTP {e.code}")

    def journal(self):
        status, body = self.call("GET", "/v1/journal?since=1&limit=1000", client="auditor")
        self.assertEqual(status, 200, body)
        return body["entries"]

    def entries_of(self, request_id):
        return [e for e in self.journal() if e["request_id"] == request_id]

    def submit(self, label, request_id, ca="ecdsa"):
        leaf = self.new_leaf(label, ca=getattr(self.pki, ca))
        status, body, headers = self.post("/v1/revocations",
                                          self.revocation(leaf, request_id, ca=ca))
        self.assertEqual(status, 202, body)
        self.assertEqual(body["status"], "pending")
        return leaf, headers["Tanda-Status-Token"]

    def ocsp(self, leaf, ca="ecdsa"):
        return self.ocsp_status(getattr(self.pki, ca), leaf.serial).certificate_status

    def test_pending_then_approved_by_a_second_operator(self):
        leaf, token = self.submit("dual-approve", "dual-approve")
        self.assertEqual(self.ocsp(leaf), ocsp.OCSPCertStatus.GOOD)  # nothing applied yet
        self.assertEqual(self.holder_status(token)["status"], "pending")
        status, listed = self.call("GET", "/v1/requests?status=pending", client="auditor")
        self.assertEqual(status, 200, listed)
        ids = [r["request_id"] for r in listed["requests"]]
        self.assertIn("dual-approve", ids)
        mine = next(r for r in listed["requests"] if r["request_id"] == "dual-approve")
        self.assertIn("CN=Admin operator,", mine["submitted_by"])

        dn = leaf.cert.subject.rfc4514_string()
        status, body, _ = self.post("/v1/requests/dual-approve/approve", {"subject_dn": dn},
                                    client="operator2")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["status"], "revoked")
        self.assertEqual(self.ocsp(leaf), ocsp.OCSPCertStatus.REVOKED)
        self.assertEqual(self.holder_status(token)["status"], "applied")
        kinds = [e["kind"] for e in self.entries_of("dual-approve")]
        self.assertEqual(kinds, ["submitted", "revoke"])
        applied = self.entries_of("dual-approve")[-1]
        self.assertEqual(applied["mode"], "dual")
        self.assertIn("CN=Admin operator,", applied["submitted_by"])
        self.assertIn("CN=Admin operator2,", applied["approved_by_operator"])
        # The refold skips the submitted entry: were it folded, the record would differ.
        status, body = self.call("GET", "/v1/journal/verify", client="auditor")
        self.assertTrue(body["ok"], body)
        self.assertIsNone(body["first_difference"], body)
        self.assertGreater(body["records_checked"], 0, body)

    def test_the_submitter_cannot_approve_and_the_refusal_is_journaled(self):
        leaf, _ = self.submit("dual-self", "dual-self")
        dn = leaf.cert.subject.rfc4514_string()
        # Another name in the body changes nothing: the certificate decides who approves.
        status, body, _ = self.post("/v1/requests/dual-self/approve", {"subject_dn": dn},
                                    client="operator")
        self.assertEqual(status, 403, body)
        self.assertEqual(self.ocsp(leaf), ocsp.OCSPCertStatus.GOOD)
        refused = self.entries_of("dual-self")[-1]
        self.assertEqual(refused["kind"], "refused")
        self.assertIn("another operator", refused["note"])
        self.assertIn("CN=Admin operator,", refused["approved_by_operator"])
        # A wrong subject from the approver is refused too, without showing the right one.
        status, body, _ = self.post("/v1/requests/dual-self/approve",
                                    {"subject_dn": "CN=Somebody,O=Else,C=ID"},
                                    client="operator2")
        self.assertEqual(status, 409, body)
        self.assertNotIn(leaf.cert.subject.rfc4514_string(), json.dumps(body))
        self.assertEqual(self.entries_of("dual-self")[-1]["kind"], "refused")
        status, body, _ = self.post("/v1/requests/dual-self/approve", {"subject_dn": dn},
                                    client="operator2")
        self.assertEqual(status, 200, body)
        self.assertEqual(self.ocsp(leaf), ocsp.OCSPCertStatus.REVOKED)

    def test_reject(self):
        leaf, token = self.submit("dual-reject", "dual-reject")
        status, body, _ = self.post("/v1/requests/dual-reject/reject",
                                    {"reason": "letter not signed by the superior"},
                                    client="operator2")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["status"], "rejected")
        held = self.holder_status(token)
        self.assertEqual(held["status"], "rejected")
        self.assertEqual(held["reason"], "letter not signed by the superior")
        status, body, _ = self.post("/v1/requests/dual-reject/approve",
                                    {"subject_dn": leaf.cert.subject.rfc4514_string()},
                                    client="operator2")
        self.assertEqual(status, 409, body)
        self.assertEqual(self.ocsp(leaf), ocsp.OCSPCertStatus.GOOD)
        rejected = self.entries_of("dual-reject")[-1]
        self.assertEqual(rejected["kind"], "rejected")
        self.assertEqual(rejected["note"], "letter not signed by the superior")

    def test_expiry(self):
        leaf, token = self.submit("dual-expire", "dual-expire", ca="rsa")
        deadline = time.monotonic() + PENDING_TTL_SECONDS + 15
        # The periodic sweep journals it without anyone calling the requests routes.
        while not any(e["kind"] == "expired" for e in self.entries_of("dual-expire")):
            self.assertLess(time.monotonic(), deadline, "no expired entry")
            time.sleep(0.5)
        self.assertEqual(self.holder_status(token)["status"], "expired")
        status, body, _ = self.post("/v1/requests/dual-expire/approve",
                                    {"subject_dn": leaf.cert.subject.rfc4514_string()},
                                    client="operator2")
        self.assertEqual(status, 409, body)
        self.assertEqual(self.ocsp(leaf, ca="rsa"), ocsp.OCSPCertStatus.GOOD)
        status, listed = self.call("GET", "/v1/requests?status=expired", client="auditor")
        self.assertIn("dual-expire", [r["request_id"] for r in listed["requests"]])

    def test_bad_bodies_are_400(self):
        self.submit("dual-bad", "dual-bad")
        status, body, _ = self.post("/v1/requests/dual-bad/approve", None, client="operator2",
                                    raw='{"subject_dn": "CN=A", "subject_dn": "CN=B"}')
        self.assertEqual(status, 400, body)
        status, body, _ = self.post("/v1/requests/dual-bad/reject", {"reason": "   "},
                                    client="operator2")
        self.assertEqual(status, 400, body)
        self.assertEqual(body["error"]["field"], "reason")
        leaf = self.new_leaf("dual-blank")
        status, body, _ = self.post("/v1/revocations",
                                    self.revocation(leaf, "dual-blank", approved_by=" \t "))
        self.assertEqual(status, 400, body)
        self.assertEqual(body["error"]["field"], "approved_by")
        status, body = self.call("GET", "/v1/requests?status=bogus", client="auditor")
        self.assertEqual(status, 400, body)

    def test_cli_pending_approve_reject(self):
        leaf, _ = self.submit("dual-cli", "dual-cli")
        other, _ = self.submit("dual-cli-2", "dual-cli-2")
        cert, key = self.admin.pair("auditor")
        conn = ["--url", f"https://127.0.0.1:{self.fx.server.admin_port}",
                "--cacert", self.admin.path_server_ca]
        r = run_tanda("admin", "pending", "--cert", cert, "--key", key, *conn)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("dual-cli", r.stdout)
        cert, key = self.admin.pair("operator2")
        r = run_tanda("admin", "approve", "dual-cli", "--subject-dn",
                      leaf.cert.subject.rfc4514_string(), "--cert", cert, "--key", key, *conn)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.ocsp(leaf), ocsp.OCSPCertStatus.REVOKED)
        r = run_tanda("admin", "reject", "dual-cli-2", "--reason", "duplicate request",
                      "--cert", cert, "--key", key, *conn)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"rejected"', r.stdout)
        r = run_tanda("admin", "approve", "dual-cli-2", "--subject-dn", "CN=X",
                      "--cert", cert, "--key", key, *conn)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertEqual(self.ocsp(other), ocsp.OCSPCertStatus.GOOD)


if __name__ == "__main__":
    unittest.main()
