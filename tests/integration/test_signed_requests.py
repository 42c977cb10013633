"""Signed OCSP requests (RFC 6960 4.1.2) from `openssl ocsp -signer -signkey`: answered like
unsigned ones; `requests.signature: required` answers unsigned ones sigRequired; with
`requests.trusted_requestors`, an untrusted signer or a bad signature gets unauthorized."""

import os
import unittest

import harness
from harness import Fixture, openssl


class SignedRequestsTest(unittest.TestCase):
    """ecdsa: signature required, requestors issued by the `other` CA trusted.
    rsa: signature optional, the same bundle."""

    @classmethod
    def setUpClass(cls):
        cls.fx = Fixture()
        cls.addClassCleanup(cls.fx.close)
        pki = cls.pki = cls.fx.pki
        # A trusted requestor: a certificate of the `other` CA, whose certificate is the bundle.
        cls.trusted = (pki.other.leaves["good"].path, cls.key_file("other", pki.other))
        # An untrusted one: issued by the rsa CA, which is not in the bundle.
        cls.untrusted = (pki.rsa.leaves["good"].path, cls.key_file("rsa", pki.rsa))
        bundle = pki.other.cert_path
        cls.fx.write_config(ca_options={
            "ecdsa": {"requests": {"signature": "required", "trusted_requestors": bundle}},
            "rsa": {"requests": {"trusted_requestors": bundle}},
        })
        cls.server = cls.fx.serve()

    @classmethod
    def key_file(cls, name, ca):
        path = os.path.join(cls.fx.tmp, f"{name}-leaf.key")
        harness._write_key(path, ca.leaf_key)
        return path

    def ask(self, ca, label, signer=None, *extra):
        args = ["ocsp", "-issuer", ca.cert_path, "-cert", ca.leaves[label].path,
                "-url", self.server.url, "-CAfile", ca.cert_path, "-resp_text", *extra]
        if signer:
            args += ["-signer", signer[0], "-signkey", signer[1]]
        r = openssl(*args)
        return r.returncode, r.stdout + r.stderr

    def assert_status(self, ca, label, expected, signer=None, *extra):
        code, out = self.ask(ca, label, signer, *extra)
        self.assertEqual(code, 0, out)
        self.assertIn("Response verify OK", out)
        self.assertIn(f"{ca.leaves[label].path}: {expected}", out)
        return out

    def assert_error(self, ca, label, text, signer=None, *extra):
        _, out = self.ask(ca, label, signer, *extra)
        self.assertIn(f"Responder Error: {text}", out)

    def test_unsigned_ok_where_optional(self):
        self.assert_status(self.pki.rsa, "good", "good")
        self.assert_status(self.pki.rsa, "revoked", "revoked")

    def test_signed_by_trusted_requestor_gets_the_status(self):
        for ca in (self.pki.ecdsa, self.pki.rsa):
            with self.subTest(ca=ca.name):
                self.assert_status(ca, "good", "good", self.trusted)
                out = self.assert_status(ca, "revoked", "revoked", self.trusted)
                self.assertIn("Reason: keyCompromise", out)
                self.assert_status(ca, "unknown", "unknown", self.trusted)

    def test_unsigned_where_required_is_sig_required(self):
        # OpenSSL prints the status in lower case.
        self.assert_error(self.pki.ecdsa, "good", "sigrequired (5)")

    def test_untrusted_signer_is_unauthorized(self):
        for ca in (self.pki.ecdsa, self.pki.rsa):
            with self.subTest(ca=ca.name):
                self.assert_error(ca, "good", "unauthorized (6)", self.untrusted)

    def test_signature_that_does_not_verify_is_unauthorized(self):
        # A trusted requestor's signed request, its serial changed afterwards.
        ca = self.pki.ecdsa
        path = os.path.join(self.fx.tmp, "signed.der")
        r = openssl("ocsp", "-issuer", ca.cert_path, "-cert", ca.leaves["good"].path,
                    "-signer", self.trusted[0], "-signkey", self.trusted[1], "-no_nonce",
                    "-reqout", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(path, "rb") as f:
            der = bytearray(f.read())
        serial = ca.leaves["good"].serial.to_bytes(8, "big").lstrip(b"\0")
        at = der.index(b"\x02" + bytes([len(serial)]) + serial)
        der[at + 1 + len(serial)] ^= 1
        with open(path, "wb") as f:
            f.write(der)
        r = openssl("ocsp", "-reqin", path, "-url", self.server.url, "-CAfile", ca.cert_path,
                    "-resp_text")
        self.assertIn("Responder Error: unauthorized (6)", r.stdout + r.stderr)

    def test_cached_answer_is_not_served_to_an_unsigned_request(self):
        # Without a nonce a signed request fills the answer cache for the serial; unsigned and
        # untrusted requests must still be refused, because the check runs before the cache.
        for _ in range(2):
            self.assert_status(self.pki.ecdsa, "good", "good", self.trusted, "-no_nonce")
        self.assert_error(self.pki.ecdsa, "good", "sigrequired (5)", None, "-no_nonce")
        self.assert_error(self.pki.ecdsa, "good", "unauthorized (6)", self.untrusted, "-no_nonce")


if __name__ == "__main__":
    unittest.main()
