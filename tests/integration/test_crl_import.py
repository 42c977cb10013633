"""Offline CA CRLs (issue 18): "sub" is a CA whose key Tanda never holds (crl.source: import;
OCSP by a delegated signer). The CRLs it signs, here with Python cryptography, are imported with
`tanda crl import` and through the admin API: checked (signature, number, times), their
revocations journaled so that OCSP agrees with them at once, and served byte for byte."""

import datetime as dt
import hashlib
import json
import os
import base64
import time
import unittest
import urllib.error
import urllib.request

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

from harness import metric_value, now, parse_metrics, run_tanda, scrape_metrics
from test_admin import AdminTestCase

UTC = dt.timezone.utc


def signed_crl(ca, number, entries, this_update=None, next_update=None, delta_base=None,
               key=None, extensions=()):
    """A CRL of `ca` signed with its key (or `key`): entries are (serial, time, ReasonFlags);
    `extensions` are (extension, critical) pairs."""
    t = this_update or now() - dt.timedelta(minutes=5)
    b = (x509.CertificateRevocationListBuilder().issuer_name(ca.cert.subject)
         .last_update(t).next_update(next_update or t + dt.timedelta(days=90))
         .add_extension(x509.CRLNumber(number), critical=False))
    for extension, critical in extensions:
        b = b.add_extension(extension, critical=critical)
    if delta_base is not None:
        b = b.add_extension(x509.DeltaCRLIndicator(delta_base), critical=True)
    for serial, when, reason in entries:
        r = x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when)
        if reason is not None:
            r = r.add_extension(x509.CRLReason(reason), critical=False)
        b = b.add_revoked_certificate(r.build())
    return b.sign(key or ca.key, hashes.SHA256())


class CrlImportTest(AdminTestCase):

    INTERMEDIATE = True
    CA_OPTIONS = dict(AdminTestCase.CA_OPTIONS, sub={"crl": {"source": "import"}})

    def write(self, crl, name, pem=False):
        path = os.path.join(self.fx.tmp, name)
        with open(path, "wb") as f:
            f.write(crl.public_bytes(serialization.Encoding.PEM if pem
                                     else serialization.Encoding.DER))
        return path

    def served(self, name, expect_number, timeout=10):
        """The CRL served at /crl/<name>, once it is number `expect_number`."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.fx.server.url}/crl/{name}", timeout=5) as r:
                    body = r.read()
                crl = x509.load_der_x509_crl(body)
                number = crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
                if number == expect_number:
                    return body
            except urllib.error.HTTPError as e:
                if e.code != 404:
                    raise
            self.assertLess(time.monotonic(), deadline, f"{name} never served {expect_number}")
            time.sleep(0.1)

    def import_api(self, crl, pem=True):
        encoding = serialization.Encoding.PEM if pem else serialization.Encoding.DER
        data = crl.public_bytes(encoding)
        text = data.decode() if pem else base64.b64encode(data).decode()
        return self.call("POST", "/v1/crls/sub/import", {"crl": text})

    def status(self, leaf):
        resp = self.ocsp_status(self.pki.sub, leaf.serial)
        self.assertEqual(resp.response_status, ocsp.OCSPResponseStatus.SUCCESSFUL)
        return resp

    def test_1_imports_journal_serve_and_agree(self):
        sub = self.pki.sub
        a = self.new_leaf("offline-a", ca=sub)
        b = self.new_leaf("offline-b", ca=sub)
        c = self.new_leaf("offline-c", ca=sub)
        for leaf in (a, c):  # cached now
            self.assertEqual(self.status(leaf).certificate_status, ocsp.OCSPCertStatus.GOOD)
        t = now().replace(microsecond=0) - dt.timedelta(hours=2)

        # 1. `tanda crl import` (the CLI, beside the server): CRL 1001 of a migrating CA.
        first = signed_crl(sub, 1001, [(c.serial, t, x509.ReasonFlags.superseded)])
        r = run_tanda("crl", "import", "--config", self.fx.config_path, "--ca", "sub",
                      "--file", self.write(first, "sub-1001.pem", pem=True))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("CRL number 1001", r.stdout)
        self.assertIn("1 revoked", r.stdout)
        served = self.served("sub.crl", 1001)
        self.assertEqual(served, first.public_bytes(serialization.Encoding.DER))
        # Its cached answer goes within a second: the server follows the journal.
        deadline = time.monotonic() + 5
        while self.status(c).certificate_status != ocsp.OCSPCertStatus.REVOKED:
            self.assertLess(time.monotonic(), deadline, "c's cached answer stayed good")
            time.sleep(0.1)
        self.assertEqual(self.status(c).revocation_reason, x509.ReasonFlags.superseded)

        # 2. Through the admin API: OCSP agrees at once, the cached answer of `a` included.
        second = signed_crl(sub, 1002, [(c.serial, t, x509.ReasonFlags.superseded),
                                        (a.serial, t, x509.ReasonFlags.key_compromise),
                                        (b.serial, t, x509.ReasonFlags.certificate_hold)])
        status, body = self.import_api(second)
        self.assertEqual(status, 201, body)
        self.assertEqual(body["crl_number"], 1002)
        self.assertEqual(body["kind"], "full")
        self.assertEqual((body["entries"], body["revoked"], body["unchanged"]), (3, 2, 1))
        resp = self.status(a)
        self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.REVOKED)
        self.assertEqual(resp.revocation_reason, x509.ReasonFlags.key_compromise)
        self.assertEqual(resp.revocation_time, t.replace(tzinfo=None))
        self.assertEqual(self.status(b).revocation_reason, x509.ReasonFlags.certificate_hold)
        crl = x509.load_der_x509_crl(self.served("sub.crl", 1002))
        self.assertTrue(crl.is_signature_valid(sub.key.public_key()))
        # The journal names the CRL: its SHA-256 is the entries' evidence.
        status, journal = self.call("GET", "/v1/journal?ca=sub&serial=" + f"{a.serial:X}",
                                    client="auditor")
        self.assertEqual(status, 200, journal)
        entry = journal["entries"][-1]
        self.assertEqual(entry["evidence_sha256"], hashlib.sha256(
            second.public_bytes(serialization.Encoding.DER)).hexdigest())
        self.assertIn("crl-import", entry["source"])

        # 3. A delta CRL (base 1002) lifts b's hold with removeFromCRL; a's revocation stays.
        delta = signed_crl(sub, 1003, [(b.serial, t, x509.ReasonFlags.remove_from_crl),
                                       (a.serial, t, x509.ReasonFlags.remove_from_crl)],
                           delta_base=1002)
        status, body = self.import_api(delta, pem=False)
        self.assertEqual(status, 201, body)
        self.assertEqual((body["kind"], body["base_crl_number"], body["released"]),
                         ("delta", 1002, 1))
        self.assertEqual(self.status(b).certificate_status, ocsp.OCSPCertStatus.GOOD)
        self.assertEqual(self.status(a).certificate_status, ocsp.OCSPCertStatus.REVOKED)
        self.served("sub-delta.crl", 1003)

        # 4. A later complete CRL without a (as after its expiry) never un-revokes it; imported
        # with `tanda admin crl-import`, DER from a file.
        r = self.cli("crl-import", "--ca", "sub", "--file",
                     self.write(signed_crl(sub, 1004, []), "sub-1004.crl"))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(json.loads(r.stdout)["crl_number"], 1004)
        self.assertEqual(self.status(a).certificate_status, ocsp.OCSPCertStatus.REVOKED)
        self.assertEqual(self.status(c).certificate_status, ocsp.OCSPCertStatus.REVOKED)

        samples = parse_metrics(scrape_metrics(self.fx.server))
        self.assertEqual(metric_value(samples, "tanda_crl_imported", ca="sub"), 1)
        self.assertEqual(metric_value(samples, "tanda_crl_number", ca="sub", kind="full"), 1004)
        self.assertEqual(metric_value(samples, "tanda_crl_imported", ca="rsa"), 0)

    def test_2_refusals_change_nothing(self):
        sub = self.pki.sub
        leaf = self.new_leaf("offline-refused", ca=sub)
        t = now() - dt.timedelta(hours=1)
        listed = [(leaf.serial, t, x509.ReasonFlags.key_compromise)]
        cases = [
            (signed_crl(sub, 9000, listed, key=self.pki.other.key), 400, "not a CRL of CA sub"),
            (signed_crl(sub, 9000, listed, this_update=now() + dt.timedelta(hours=2)), 400,
             "is in the future"),
            (signed_crl(sub, 9000, listed, this_update=now() - dt.timedelta(days=10),
                        next_update=now() - dt.timedelta(days=1)), 400, "past its nextUpdate"),
            (signed_crl(sub, 2, listed), 409, "is not above"),
            (signed_crl(sub, 9000, listed, delta_base=8999), 409, "newer than the complete CRL"),
            # An offline root's ARL covers CA certificates only: what it leaves out is not lifted.
            (signed_crl(sub, 9000, listed, extensions=[(x509.IssuingDistributionPoint(
                None, None, False, True, None, False, False), True)]), 400,
             "covers part of the CA's certificates"),
            (signed_crl(sub, 9000, listed, extensions=[(x509.UnrecognizedExtension(
                x509.ObjectIdentifier("1.3.6.1.4.1.55555.1"), b"\x05\x00"), True)]), 400,
             "critical extension 1.3.6.1.4.1.55555.1"),
        ]
        for crl, code, says in cases:
            status, body = self.import_api(crl)
            self.assertEqual(status, code, body)
            self.assertEqual(body["error"]["field"], "crl")
            self.assertIn(says, body["error"]["message"])
        status, body = self.call("POST", "/v1/crls/sub/import", {"crl": "not a CRL"})
        self.assertEqual(status, 400, body)
        # A CA that signs its own CRLs takes none.
        status, body = self.call("POST", "/v1/crls/rsa/import", {"crl": signed_crl(
            self.pki.rsa, 5, []).public_bytes(serialization.Encoding.PEM).decode()})
        self.assertEqual(status, 409, body)
        self.assertIn("signs its own CRLs", body["error"]["message"])
        self.assertEqual(self.status(leaf).certificate_status, ocsp.OCSPCertStatus.GOOD)
        # Its revocations come from its CRLs: the admin API refuses to change its records.
        status, body = self.call("POST", "/v1/revocations",
                                 self.revocation(leaf, "offline-revoke", ca="sub"))
        self.assertEqual(status, 409, body)
        self.assertIn("crl.source: import", body["error"]["message"])
        # And the CLI says why, with exit 1.
        r = run_tanda("crl", "import", "--config", self.fx.config_path, "--ca", "sub", "--file",
                      self.write(cases[0][0], "stranger.crl"))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("not a CRL of CA sub", r.stderr)


class OfflineRootTest(AdminTestCase):
    """rsa is an offline root (crl.source: import) above the served intermediate sub: its
    imported CRL listing sub's certificate revokes what sub issued (issuer_revocation)."""

    INTERMEDIATE = True
    CA_OPTIONS = dict(AdminTestCase.CA_OPTIONS, rsa={"crl": {"source": "import"}})

    def test_the_root_crl_listing_the_intermediate_revokes_what_it_issued(self):
        leaf = self.pki.sub.leaves["good"]
        before = self.ocsp_status(self.pki.sub, leaf.serial)
        self.assertEqual(before.certificate_status, ocsp.OCSPCertStatus.GOOD)  # cached
        t = now().replace(microsecond=0) - dt.timedelta(hours=1)
        crl = signed_crl(self.pki.rsa, 7, [(self.pki.sub.cert.serial_number, t,
                                            x509.ReasonFlags.key_compromise)])
        status, body = self.call("POST", "/v1/crls/rsa/import", {
            "crl": crl.public_bytes(serialization.Encoding.PEM).decode()})
        self.assertEqual(status, 201, body)
        after = self.ocsp_status(self.pki.sub, leaf.serial)
        self.assertEqual(after.certificate_status, ocsp.OCSPCertStatus.REVOKED)
        self.assertEqual(after.revocation_reason, x509.ReasonFlags.ca_compromise)
        self.assertEqual(after.revocation_time, t.replace(tzinfo=None))


if __name__ == "__main__":
    unittest.main()
