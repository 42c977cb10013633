"""The holder's status token: POST /v1/revocations answers an unguessable token (header
Tanda-Status-Token), and
GET /status/<token> on the public listener (no client certificate) reads that one request's
status and nothing else; any other token is the same 404. Only the token's SHA-256 is stored."""

import hashlib
import http.client
import json
import os
import ssl
import time
import unittest
import urllib.error
import urllib.request

from test_admin import AdminTestCase


class HolderStatusTest(AdminTestCase):

    def public_get(self, path):
        """(status, headers, body bytes) of a plain GET on the public listener."""
        try:
            with urllib.request.urlopen(self.fx.server.url + path, timeout=10) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def post_revocation(self, body):
        """(status, JSON body, Tanda-Status-Token header) of POST /v1/revocations."""
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(self.admin.path_server_ca)
        ctx.load_cert_chain(*self.admin.pair("operator"))
        conn = http.client.HTTPSConnection("127.0.0.1", self.fx.server.admin_port, context=ctx,
                                           timeout=20)
        try:
            conn.request("POST", "/v1/revocations", body=json.dumps(body),
                         headers={"Content-Type": "application/json"})
            res = conn.getresponse()
            return res.status, json.loads(res.read()), res.headers["Tanda-Status-Token"]
        finally:
            conn.close()

    def revoke(self, label, request_id, ca="rsa"):
        leaf = self.new_leaf(label, ca=getattr(self.pki, ca))
        status, body, token = self.post_revocation(self.revocation(leaf, request_id, ca=ca))
        self.assertEqual(status, 201, body)
        self.assertNotIn("status_token", body)
        return leaf, token

    def test_token_reads_its_request_only(self):
        leaf, token = self.revoke("holder-a", "holder-req-a")
        self.assertRegex(token, r"^[0-9a-f]{64}$")  # 256 bits
        _, other = self.revoke("holder-b", "holder-req-b")
        self.assertNotEqual(other, token)

        status, headers, text = self.public_get(f"/status/{token}")
        self.assertEqual(status, 200, text)
        self.assertEqual(headers["Cache-Control"], "no-store")
        self.assertEqual(headers["Content-Type"], "application/json")
        got = json.loads(text)
        self.assertEqual(got["request_id"], "holder-req-a")
        self.assertEqual(int(got["serial"], 16), leaf.serial)
        self.assertIn(got["status"], ("applied", "success"))
        _, _, text_b = self.public_get(f"/status/{other}")
        self.assertIn(b"holder-req-b", text_b)
        self.assertNotIn(b"holder-req-a", text_b)

        # The rsa CA publishes CRLs: the holder sees "success" once one reflects the request.
        deadline = time.monotonic() + 20
        while got["status"] != "success" and time.monotonic() < deadline:
            time.sleep(0.3)
            got = json.loads(self.public_get(f"/status/{token}")[2])
        self.assertEqual(got["status"], "success")
        self.assertIsNotNone(got["published_in_crl"])

    def test_wrong_tokens_are_one_404(self):
        _, token = self.revoke("holder-c", "holder-req-c")
        flipped = token[:-1] + ("0" if token[-1] != "0" else "1")
        answers = set()
        for path in (f"/status/{flipped}", f"/status/{token.upper()}", f"/status/{token}x",
                     "/status/", "/status/holder-req-c", f"/status/{token}/more",
                     f"/status/{hashlib.sha256(token.encode()).hexdigest()}"):
            status, headers, text = self.public_get(path)
            self.assertEqual(status, 404, path)
            answers.add(text)
        self.assertEqual(len(answers), 1, answers)
        self.assertNotIn(b"holder-req-c", answers.pop())

    def test_replay_gives_a_fresh_token_and_both_work(self):
        leaf = self.new_leaf("holder-d", ca=self.pki.rsa)
        body = self.revocation(leaf, "holder-req-d", ca="rsa")
        first = self.post_revocation(body)
        again = self.post_revocation(body)
        self.assertEqual(first[0], 201)
        self.assertEqual(again[0], 201)
        self.assertEqual(first[1], again[1])  # the replay's body is the original answer
        self.assertNotEqual(first[2], again[2])
        for token in (first[2], again[2]):
            status, _, text = self.public_get(f"/status/{token}")
            self.assertEqual(status, 200)
            self.assertIn(b"holder-req-d", text)

    def test_database_holds_only_the_hash(self):
        _, token = self.revoke("holder-e", "holder-req-e")
        with open(os.path.join(self.fx.tmp, "data", "data.mdb"), "rb") as f:
            data = f.read()
        self.assertNotIn(token.encode(), data)
        self.assertIn(("status/" + hashlib.sha256(token.encode()).hexdigest()).encode(), data)


if __name__ == "__main__":
    unittest.main()
