"""RSASSA-PSS (issue 18): the RSA CA with `rsa_padding: pss` signs its OCSP answers and CRLs
with RSASSA-PSS (SHA-256, MGF1-SHA-256, 32-byte salt; RFC 4055), checked by openssl, GnuTLS
(ocsptool, certtool) and Python cryptography; the ECDSA CA beside it is unchanged; the setting
is refused for an ECDSA key with the config's file and line."""

import os
import re
import subprocess
import unittest

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.x509 import ocsp
from cryptography.x509.oid import SignatureAlgorithmOID

import harness
from harness import ResponderTestCase, openssl, run_tanda
from test_crl import crl_of, der_file

PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)


def run(*args):
    return subprocess.run(list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=30)


class RsaPssTest(ResponderTestCase):

    CA_OPTIONS = {"rsa": {"rsa_padding": "pss"}}

    def openssl_ocsp(self, ca, label):
        return openssl("ocsp", "-issuer", ca.cert_path, "-cert", ca.leaves[label].path,
                       "-url", f"{self.url}/", "-CAfile", ca.cert_path, "-resp_text")

    def test_openssl_verifies_pss_answers(self):
        ca = self.pki.rsa
        for label, status in [("good", "good"), ("revoked", "revoked")]:
            with self.subTest(label=label):
                r = self.openssl_ocsp(ca, label)
                out = r.stdout + r.stderr
                self.assertEqual(r.returncode, 0, out)
                self.assertIn("Response verify OK", out)
                self.assertIn(f"Cert Status: {status}", out)
                self.assertIn("Signature Algorithm: rsassaPss", out)
                self.assertIn("Hash Algorithm: sha256", out)
                self.assertIn("Mask Algorithm: mgf1 with sha256", out)
                self.assertIn("Salt Length: 0x20", out)

    def test_ecdsa_ca_beside_it_is_unchanged(self):
        r = self.openssl_ocsp(self.pki.ecdsa, "good")
        out = r.stdout + r.stderr
        self.assertEqual(r.returncode, 0, out)
        self.assertIn("Response verify OK", out)
        self.assertIn("Signature Algorithm: ecdsa-with-SHA256", out)

    def test_python_cryptography_checks_the_pss_signature(self):
        ca = self.pki.rsa
        leaf = ca.leaves["revoked"]
        der = ocsp.OCSPRequestBuilder().add_certificate(
            leaf.cert, ca.cert, hashes.SHA1()).build().public_bytes(
                harness.serialization.Encoding.DER)
        resp = self.ocsp_post(der)
        self.assertEqual(resp.response_status, ocsp.OCSPResponseStatus.SUCCESSFUL)
        self.assertEqual(resp.signature_algorithm_oid, SignatureAlgorithmOID.RSASSA_PSS)
        self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.REVOKED)
        self.assertEqual(resp.revocation_time, leaf.revoked_at.replace(tzinfo=None))
        # Raises InvalidSignature unless the PSS signature with these parameters verifies.
        ca.cert.public_key().verify(resp.signature, resp.tbs_response_bytes, PSS,
                                    hashes.SHA256())
        with self.assertRaises(Exception):  # the same bytes are no PKCS#1 v1.5 signature
            ca.cert.public_key().verify(resp.signature, resp.tbs_response_bytes,
                                        padding.PKCS1v15(), hashes.SHA256())

    def test_gnutls_ocsptool_verifies_pss_answers(self):
        ca = self.pki.rsa
        r = run("ocsptool", f"--ask={self.url}/", "--load-issuer", ca.cert_path, "--load-cert",
                ca.leaves["good"].path, "--load-signer", ca.cert_path)
        out = r.stdout + r.stderr
        self.assertEqual(r.returncode, 0, out)
        self.assertIn("Verifying OCSP Response: Success.", out)
        self.assertRegex(out, r"Signature Algorithm: RSA-PSS-SHA256")
        self.assertRegex(out, r"Certificate Status: good\b")

    def test_crl_is_pss_signed_and_verifies_everywhere(self):
        ca = self.pki.rsa
        crl, der = crl_of(self.server, "rsa.crl")
        self.assertEqual(crl.signature_algorithm_oid, SignatureAlgorithmOID.RSASSA_PSS)
        ca.cert.public_key().verify(crl.signature, crl.tbs_certlist_bytes, PSS, hashes.SHA256())
        self.assertIsNotNone(crl.get_revoked_certificate_by_serial_number(
            ca.leaves["revoked"].serial))

        path = der_file(self.fx.tmp, "rsa-pss.crl", der)
        r = openssl("crl", "-inform", "DER", "-in", path, "-CAfile", ca.cert_path, "-noout",
                    "-text")
        out = r.stdout + r.stderr
        self.assertEqual(r.returncode, 0, out)
        self.assertIn("verify OK", out)
        self.assertIn("Signature Algorithm: rsassaPss", out)
        self.assertIn("Salt Length: 0x20", out)

        pem = der_file(self.fx.tmp, "rsa-pss-certtool.pem", der, pem=True)
        r = run("certtool", "--verify-crl", "--load-ca-certificate", ca.cert_path, "--infile",
                pem)
        out = r.stdout + r.stderr
        self.assertEqual(r.returncode, 0, out)
        self.assertIn("Verified", out)
        self.assertNotIn("Not verified", out)

    def check_config(self, name, ca_options):
        """(path, output) of `tanda check-config` on the fixture's CAs with `ca_options`,
        which must be refused."""
        path = os.path.join(self.fx.tmp, name)
        config = harness.make_config(self.pki, os.path.join(self.fx.tmp, "data"),
                                     ca_options=ca_options)
        with open(path, "w") as f:
            f.write(harness.to_yaml(config))
        r = run_tanda("check-config", path)
        out = r.stdout + r.stderr
        self.assertNotEqual(r.returncode, 0, out)
        return path, out

    def test_pss_for_an_ecdsa_key_is_a_config_error_with_file_and_line(self):
        path, out = self.check_config("ecdsa-pss.yaml", {"ecdsa": {"rsa_padding": "pss"}})
        self.assertIn("rsa_padding: pss", out)
        self.assertIn("RSASSA-PSS needs an RSA key", out)
        self.assertRegex(out, re.escape(path) + r":\d+")

    def test_an_unknown_padding_is_refused(self):
        path, out = self.check_config("bad-padding.yaml", {"rsa": {"rsa_padding": "oaep"}})
        self.assertIn("rsa_padding", out)
        self.assertRegex(out, re.escape(path) + r":\d+")


if __name__ == "__main__":
    unittest.main()
