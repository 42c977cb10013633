"""GnuTLS `ocsptool --ask` as the client, with the signer or the CA as trust anchor.

Notes on GnuTLS: --load-signer names the certificate that must have signed the response
(the delegated signer, or the CA when it signs itself). --load-trust treats the file as
trust anchors and needs the signer certificate inside the response, which Tanda includes
only for a delegated signer; a CA-signed response is verified with --load-signer ca.pem.
"""

import os
import re
import subprocess
import unittest

from cryptography import x509

from harness import REVOKED_AT, ResponderTestCase


class GnutlsOcsptoolTest(ResponderTestCase):

    def ask(self, ca, label, *anchor, nonce=False):
        args = ["ocsptool", f"--ask={self.url}/", "--load-issuer", ca.cert_path,
                "--load-cert", ca.leaves[label].path, *anchor]
        if nonce:
            args.append("--nonce")
        r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=30)
        return r.returncode, r.stdout + r.stderr

    def assert_answer(self, rc, out, ca, label, status):
        self.assertEqual(rc, 0, out)
        self.assertIn("Response Status: Successful", out)
        self.assertIn("Verifying OCSP Response: Success.", out)
        self.assertRegex(out, rf"Certificate Status: {status}\b")
        self.assertRegex(out, rf"Serial Number: 0*{ca.leaves[label].serial:x}\b")
        self.assertIn("Hash Algorithm: SHA1", out)
        self.assertRegex(out, r"This Update: .*\d{4}")
        self.assertRegex(out, r"Next Update: .*\d{4}")

    def test_ecdsa_delegated_signer_good(self):
        ca = self.pki.ecdsa
        rc, out = self.ask(ca, "good", "--load-signer", ca.signer_path)
        self.assert_answer(rc, out, ca, "good", "good")
        self.assertIn("Signature Algorithm: ECDSA-SHA256", out)
        ski = ca.signer.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        self.assertIn(f"Responder Key ID: {ski.digest.hex()}", out)

    def test_ecdsa_delegated_signer_revoked(self):
        ca = self.pki.ecdsa
        rc, out = self.ask(ca, "revoked", "--load-signer", ca.signer_path)
        self.assert_answer(rc, out, ca, "revoked", "revoked")
        self.assertIn("Revocation time: Fri Mar 01 12:00:00 UTC 2024", out)

    def test_ecdsa_trust_anchor_is_the_ca(self):
        # The response carries the delegated signer's certificate, which chains to the CA.
        ca = self.pki.ecdsa
        for label, status in [("good", "good"), ("revoked", "revoked")]:
            with self.subTest(label=label):
                rc, out = self.ask(ca, label, "--load-trust", ca.cert_path)
                self.assert_answer(rc, out, ca, label, status)

    def test_ecdsa_wrong_signer_fails_verification(self):
        # Sanity check of the tool: another key must not verify the response.
        ca = self.pki.ecdsa
        rc, out = self.ask(ca, "good", "--load-signer", self.pki.other.cert_path)
        self.assertNotEqual(rc, 0, out)
        self.assertIn("Verifying OCSP Response: Failure", out)

    def test_rsa_ca_signed_good(self):
        ca = self.pki.rsa
        rc, out = self.ask(ca, "good", "--load-signer", ca.cert_path)
        self.assert_answer(rc, out, ca, "good", "good")
        self.assertIn("Signature Algorithm: RSA-SHA256", out)

    def test_rsa_ca_signed_revoked(self):
        ca = self.pki.rsa
        rc, out = self.ask(ca, "revoked", "--load-signer", ca.cert_path)
        self.assert_answer(rc, out, ca, "revoked", "revoked")
        self.assertIn("Revocation time: Fri Mar 01 12:00:00 UTC 2024", out)
        self.assertEqual(REVOKED_AT.year, 2024)

    def test_unknown(self):
        for ca in self.pki.cas.values():
            with self.subTest(ca=ca.name):
                rc, out = self.ask(ca, "unknown", "--load-signer", ca.signer_path)
                self.assertIn("Response Status: Successful", out)
                self.assertIn("Verifying OCSP Response: Success.", out)
                self.assertRegex(out, r"Certificate Status: unknown\b")

    def test_nonce(self):
        for ca in self.pki.cas.values():
            with self.subTest(ca=ca.name):
                rc, out = self.ask(ca, "good", "--load-signer", ca.signer_path, nonce=True)
                self.assert_answer(rc, out, ca, "good", "good")
                self.assertRegex(out, r"Nonce: [0-9a-f]+")


if __name__ == "__main__":
    unittest.main()
