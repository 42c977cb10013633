"""`openssl ocsp` as the client: POST with nonce, SHA-1/SHA-256 CertIDs, several certificates,
and GET (urllib) with the response checked by `openssl ocsp -respin`."""

import base64
import os
import re
import unittest
import urllib.request

from harness import ResponderTestCase, openssl, single_request


class OpensslOcspTest(ResponderTestCase):

    def ask(self, ca, labels, *extra):
        args = ["ocsp", "-issuer", ca.cert_path, *extra]
        for label in labels:
            args += ["-cert", ca.leaves[label].path]
        args += ["-url", self.url, "-CAfile", ca.cert_path, "-resp_text"]
        r = openssl(*args)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r.stdout, r.stderr

    def status_block(self, out, ca, label):
        """The lines openssl prints for one -cert: '<path>: status' and the indented ones."""
        path = ca.leaves[label].path
        m = re.search(re.escape(path) + r": (\S+)\n((?:\t.*\n?)*)", out)
        self.assertIsNotNone(m, f"no status for {label} in:\n{out}")
        return m.group(1), m.group(2)

    def assert_verified(self, out, err):
        self.assertIn("Response verify OK", err)
        self.assertNotIn("WARNING", out + err)
        self.assertNotIn("Nonce Verify error", out + err)

    def check(self, ca, label, expected, *extra):
        out, err = self.ask(ca, [label], *extra)
        self.assert_verified(out, err)
        status, details = self.status_block(out, ca, label)
        self.assertEqual(status, expected, out)
        self.assertRegex(details, r"This Update: .* GMT")
        self.assertRegex(details, r"Next Update: .* GMT")
        return out, details

    def test_good_both_cas(self):
        for ca in self.pki.cas.values():
            with self.subTest(ca=ca.name):
                out, _ = self.check(ca, "good", "good")
                self.assertIn("Cert Status: good", out)
                self.assertIn(f"Serial Number: {ca.leaves['good'].serial:04X}", out)

    def test_revoked_key_compromise_both_cas(self):
        for ca in self.pki.cas.values():
            with self.subTest(ca=ca.name):
                out, details = self.check(ca, "revoked", "revoked")
                self.assertIn("\tReason: keyCompromise", details)
                self.assertIn("\tRevocation Time: Mar  1 12:00:00 2024 GMT", details)
                self.assertIn("Revocation Reason: keyCompromise (0x1)", out)

    def test_revoked_other_reasons(self):
        ca = self.pki.rsa
        for label, text in [("revoked-superseded", "superseded"),
                            ("hold", "certificateHold"),
                            ("revoked-cessationOfOperation", "cessationOfOperation")]:
            with self.subTest(label=label):
                _, details = self.check(ca, label, "revoked")
                self.assertIn(f"\tReason: {text}", details)

    def test_revoked_unspecified_has_no_reason(self):
        _, details = self.check(self.pki.ecdsa, "revoked-unspecified", "revoked")
        self.assertNotIn("Reason:", details)
        self.assertIn("\tRevocation Time: Mar  1 12:00:00 2024 GMT", details)

    def test_unknown_both_cas(self):
        for ca in self.pki.cas.values():
            with self.subTest(ca=ca.name):
                self.check(ca, "unknown", "unknown")

    def test_sha256_certid(self):
        for ca in self.pki.cas.values():
            with self.subTest(ca=ca.name):
                out, details = self.check(ca, "revoked", "revoked", "-sha256")
                self.assertIn("Hash Algorithm: sha256", out)
                self.assertNotIn("Hash Algorithm: sha1", out)
                self.assertIn("\tReason: keyCompromise", details)

    def test_several_certs_in_one_request(self):
        for ca in self.pki.cas.values():
            with self.subTest(ca=ca.name):
                labels = ["good", "revoked", "unknown", "hold"]
                out, err = self.ask(ca, labels)
                self.assert_verified(out, err)
                got = {label: self.status_block(out, ca, label)[0] for label in labels}
                self.assertEqual(got, {"good": "good", "revoked": "revoked",
                                       "unknown": "unknown", "hold": "revoked"})
                self.assertEqual(out.count("Certificate ID:"), 4)

    def test_nonce_echoed(self):
        # openssl sends a nonce by default and fails verification on a missing/other nonce.
        out, err = self.ask(self.pki.ecdsa, ["good"])
        self.assert_verified(out, err)
        self.assertIn("OCSP Nonce:", out)
        # With -no_nonce the response carries no nonce.
        out, err = self.ask(self.pki.ecdsa, ["good"], "-no_nonce")
        self.assertIn("Response verify OK", err)
        self.assertNotIn("OCSP Nonce:", out)

    def test_explicit_nonce_value(self):
        nonce = os.urandom(20).hex().upper()
        req = os.path.join(self.fx.tmp, "nonce-req.der")
        with open(req, "wb") as f:
            f.write(single_request(self.pki.rsa.cert, self.pki.rsa.leaves["good"].serial,
                                   nonce=bytes.fromhex(nonce)))
        r = openssl("ocsp", "-reqin", req, "-url", self.url, "-CAfile", self.pki.rsa.cert_path,
                    "-verify_other", self.pki.rsa.cert_path,
                    "-resp_text")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Response verify OK", r.stderr)
        self.assertIn("0414" + nonce, r.stdout.replace("\n", "").replace(" ", ""))

    def get_and_check(self, ca, label, expected, digest=()):
        req = os.path.join(self.fx.tmp, f"get-{ca.name}-{label}.der")
        resp = os.path.join(self.fx.tmp, f"get-{ca.name}-{label}.resp")
        leaf = ca.leaves[label]
        r = openssl("ocsp", "-issuer", ca.cert_path, *digest, "-cert", leaf.path, "-no_nonce",
                    "-reqout", req)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(req, "rb") as f:
            encoded = base64.b64encode(f.read()).decode()
        with urllib.request.urlopen(f"{self.url}/{encoded}", timeout=10) as h:
            self.assertEqual(h.status, 200)
            self.assertEqual(h.headers["Content-Type"], "application/ocsp-response")
            cache_control = h.headers.get("Cache-Control", "")
            body = h.read()
        with open(resp, "wb") as f:
            f.write(body)
        r = openssl("ocsp", "-respin", resp, "-issuer", ca.cert_path, *digest, "-cert",
                    leaf.path, "-CAfile", ca.cert_path, "-resp_text")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("Response verify OK", r.stderr)
        status, details = self.status_block(r.stdout, ca, label)
        self.assertEqual(status, expected, r.stdout)
        return r.stdout, details, cache_control

    def test_get_good_and_revoked(self):
        for ca in self.pki.cas.values():
            with self.subTest(ca=ca.name):
                _, _, cc = self.get_and_check(ca, "good", "good")
                self.assertIn("max-age=", cc)
                self.assertIn("public", cc)
                _, details, _ = self.get_and_check(ca, "revoked", "revoked")
                self.assertIn("\tReason: keyCompromise", details)
                self.assertIn("\tRevocation Time: Mar  1 12:00:00 2024 GMT", details)
                _, _, cc = self.get_and_check(ca, "unknown", "unknown")
                self.assertIn("no-cache", cc)

    def test_get_sha256(self):
        out, _, _ = self.get_and_check(self.pki.ecdsa, "good", "good", ("-sha256",))
        self.assertIn("Hash Algorithm: sha256", out)


if __name__ == "__main__":
    unittest.main()
