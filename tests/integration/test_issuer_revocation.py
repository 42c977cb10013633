"""Issuer revocation (issue 18): when rsa, a served root, revokes the certificate of "sub", a
served intermediate, everything sub issued answers revoked from that time with reason
cACompromise (cached answers too); a hold on sub holds them until it is released; a CA set to
issuer_revocation: ignore keeps each certificate's own status. Checked with the openssl CLI
(chain up to the root) and Python cryptography (signature)."""

import datetime as dt
import re
import signal
import time
import unittest

from cryptography import x509
from cryptography.x509 import ocsp

from harness import Leaf, openssl, to_yaml, verify_signature
from test_admin import AdminTestCase


class IssuerRevocationTest(AdminTestCase):

    INTERMEDIATE = True

    def sub_as_leaf(self):
        """sub's own certificate, as the revocation helpers take it: a certificate of rsa."""
        sub = self.pki.sub
        return Leaf("sub-ca", sub.cert, sub.cert_path, "good")

    def answer(self, label):
        """sub's OCSP answer for leaf `label`, its signature checked with the signer's key."""
        leaf = self.pki.sub.leaves[label]
        resp = self.ocsp_status(self.pki.sub, leaf.serial)
        self.assertEqual(resp.response_status, ocsp.OCSPResponseStatus.SUCCESSFUL)
        verify_signature(resp, self.pki.sub.signer.public_key())
        return resp

    def openssl_status(self, label):
        """openssl ocsp's verdict for leaf `label`, the chain verified up to rsa, the root."""
        sub = self.pki.sub
        r = openssl("ocsp", "-issuer", sub.cert_path, "-cert", sub.leaves[label].path,
                    "-url", self.fx.server.url, "-CAfile", self.pki.rsa.cert_path,
                    "-verify_other", sub.cert_path, "-no_nonce")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("Response verify OK", r.stderr)
        m = re.search(re.escape(sub.leaves[label].path) + r": (\S+)\n((?:\t.*\n?)*)", r.stdout)
        self.assertIsNotNone(m, r.stdout)
        return m.group(1), m.group(2)

    def change_sub(self, request_id, reason):
        status, body = self.call("POST", "/v1/revocations",
                                 self.revocation(self.sub_as_leaf(), request_id, ca="rsa",
                                                 reason=reason))
        self.assertEqual(status, 201, body)
        return body

    def test_1_a_hold_on_the_intermediate_holds_what_it_issued_until_released(self):
        self.assertEqual(self.openssl_status("good")[0], "good")
        self.answer("good")  # cached now: the hold must reach past the cache
        self.change_sub("sub-hold", "certificateHold")
        resp = self.answer("good")
        self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.REVOKED)
        self.assertEqual(resp.revocation_reason, x509.ReasonFlags.certificate_hold)
        status, body = self.call("POST", f"/v1/revocations/rsa/{self.pki.sub.cert.serial_number:X}"
                                 "/release", {"request_id": "sub-release",
                                              "requested_by": "Budi", "approved_by": "Siti"})
        self.assertEqual(status, 200, body)
        self.assertEqual(self.answer("good").certificate_status, ocsp.OCSPCertStatus.GOOD)
        self.assertEqual(self.answer("unknown").certificate_status,
                         ocsp.OCSPCertStatus.UNKNOWN)

    def test_2_revoking_the_intermediate_revokes_what_it_issued(self):
        self.answer("good")
        body = self.change_sub("sub-revoke", "keyCompromise")
        revoked_at = dt.datetime.strptime(body["revoked_at"], "%Y-%m-%dT%H:%M:%SZ")

        resp = self.answer("good")
        self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.REVOKED)
        self.assertEqual(resp.revocation_time, revoked_at)
        self.assertEqual(resp.revocation_reason, x509.ReasonFlags.ca_compromise)
        status, detail = self.openssl_status("good")
        self.assertEqual(status, "revoked")
        self.assertIn("Reason: cACompromise", detail)
        self.assertIn("Revocation Time: " + revoked_at.strftime("%b %e %H:%M:%S %Y GMT"), detail)

        # Revoked before sub was: its own time and reason stand.
        before = self.answer("revoked-superseded")
        self.assertEqual(before.revocation_reason, x509.ReasonFlags.superseded)
        self.assertEqual(before.revocation_time, self.pki.sub.leaves["revoked-superseded"]
                         .revoked_at.replace(tzinfo=None))
        # Never recorded: sub's key may have signed it, so it is revoked too, in the only form
        # RFC 6960 2.2 allows (certificateHold, 1970-01-01).
        unknown = self.answer("unknown")
        self.assertEqual(unknown.certificate_status, ocsp.OCSPCertStatus.REVOKED)
        self.assertEqual(unknown.revocation_reason, x509.ReasonFlags.certificate_hold)
        self.assertEqual(unknown.revocation_time, dt.datetime(1970, 1, 1))

        # rsa's own answer for sub's certificate: the revocation as the operator recorded it.
        own = self.ocsp_status(self.pki.rsa, self.pki.sub.cert.serial_number)
        self.assertEqual(own.certificate_status, ocsp.OCSPCertStatus.REVOKED)
        self.assertEqual(own.revocation_reason, x509.ReasonFlags.key_compromise)
        # The other root's certificates are untouched.
        other = self.ocsp_status(self.pki.ecdsa, self.pki.ecdsa.leaves["good"].serial)
        self.assertEqual(other.certificate_status, ocsp.OCSPCertStatus.GOOD)

    def test_3_issuer_revocation_ignore_keeps_each_status(self):
        # sub was revoked by test 2 (or is now): its certificates answer revoked until ignore.
        if self.answer("good").certificate_status != ocsp.OCSPCertStatus.REVOKED:
            self.change_sub("sub-revoke", "keyCompromise")
        self.assertEqual(self.answer("good").certificate_status, ocsp.OCSPCertStatus.REVOKED)
        config = dict(self.fx.config)
        config["cas"] = [dict(c, issuer_revocation="ignore") if c["name"] == "sub" else c
                         for c in config["cas"]]
        with open(self.fx.config_path, "w") as f:
            f.write(to_yaml(config))
        reloads = self.fx.server.stderr().count('msg="config reloaded"')
        self.fx.server.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 20
        while self.fx.server.stderr().count('msg="config reloaded"') <= reloads:
            self.assertLess(time.monotonic(), deadline, self.fx.server.stderr())
            time.sleep(0.05)
        self.assertEqual(self.answer("good").certificate_status, ocsp.OCSPCertStatus.GOOD)
        self.assertEqual(self.answer("unknown").certificate_status,
                         ocsp.OCSPCertStatus.UNKNOWN)


if __name__ == "__main__":
    unittest.main()
