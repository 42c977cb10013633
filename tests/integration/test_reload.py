"""SIGHUP reload of `tanda serve`: a rotated OCSP signer answers over the same keep-alive
connection, a broken config is refused with its problems logged and the running signer kept,
a restart-only setting is named and kept, and SIGTERM still exits 0."""

import datetime as dt
import hashlib
import http.client
import os
import re
import signal
import time
import unittest

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID

from harness import (Fixture, _name, _write_key, _write_pem, issue, key_bits, metric_value,
                     now, parse_metrics, scrape_metrics, single_request, verify_signature)


class ReloadTest(unittest.TestCase):
    def setUp(self):
        self.fx = Fixture()
        self.addCleanup(self.fx.close)
        self.server = self.fx.serve()
        self.ca = self.fx.pki.ecdsa
        self.conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        self.addCleanup(self.conn.close)

    # -- helpers ------------------------------------------------------------------------------

    def ask(self, label="good"):
        """POSTs over the one keep-alive connection; returns the parsed response."""
        der = single_request(self.ca.cert, self.ca.leaves[label].serial)
        self.conn.request("POST", "/", body=der,
                          headers={"Content-Type": "application/ocsp-request"})
        r = self.conn.getresponse()
        body = r.read()
        self.assertEqual(r.status, 200, body)
        self.assertNotEqual((r.getheader("Connection") or "").lower(), "close")
        return ocsp.load_der_ocsp_response(body)

    def assert_signed_by(self, resp, signer_cert, signer_key):
        self.assertEqual(resp.response_status, ocsp.OCSPResponseStatus.SUCCESSFUL)
        self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.GOOD)
        verify_signature(resp, signer_key.public_key())  # raises InvalidSignature
        self.assertEqual(resp.responder_key_hash, hashlib.sha1(key_bits(signer_cert)).digest())
        self.assertEqual(resp.certificates, [signer_cert])

    def new_signer(self):
        """A second delegated OCSP signer for the same CA, written next to the first."""
        t = now()
        key = ec.generate_private_key(ec.SECP256R1())
        cert = issue(_name(f"Tanda Test {self.ca.name} OCSP Signer 2"), key.public_key(),
                     self.ca.cert.subject, self.ca.key, 0x1F00, t - dt.timedelta(days=1),
                     t + dt.timedelta(days=200), eku=[ExtendedKeyUsageOID.OCSP_SIGNING],
                     aki_from=self.ca.key.public_key())
        cert_path = os.path.join(self.ca.dir, "ocsp2.pem")
        key_path = os.path.join(self.ca.dir, "ocsp2.key")
        _write_pem(cert_path, cert)
        _write_key(key_path, key)
        return cert, key, cert_path, key_path

    def hangup_and_wait(self, pattern, count):
        """SIGHUP, then waits until `pattern` has matched `count` log lines; returns them."""
        self.server.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            lines = [l for l in self.server.stderr().splitlines() if re.search(pattern, l)]
            if len(lines) >= count:
                return lines
            self.assertIsNone(self.server.proc.poll(), self.server.stderr())
            time.sleep(0.05)
        self.fail(f"no {count} lines matching {pattern!r}:\n{self.server.stderr()}")

    def write_config_text(self, text):
        with open(self.fx.config_path, "w") as f:
            f.write(text)

    # -- the scenario -------------------------------------------------------------------------

    def test_signer_rotation_bad_config_and_stop(self):
        first = self.ask()
        self.assert_signed_by(first, self.ca.signer, self.ca.signer_key)
        sock = self.conn.sock

        # 1. Rotate the signer: new files, config pointing at them, SIGHUP.
        cert2, key2, cert2_path, key2_path = self.new_signer()
        self.fx.write_config(ca_options={"ecdsa": {"signer_certificate": cert2_path,
                                                   "signer_key": key2_path}})
        self.hangup_and_wait(r'msg="config reloaded"', 1)
        log = self.server.stderr()
        self.assertRegex(log, r'msg="reload: CA" ca=ecdsa change="signer rotated" '
                              rf'signer_serial={cert2.serial_number:X}\b')
        self.assertRegex(log, r'msg="reload: CA" ca=rsa change="same signer"')
        self.assertNotIn("needs a restart", log)
        rotated = self.ask()  # was cached under the old signer: must be signed afresh
        self.assertIs(self.conn.sock, sock, "the keep-alive connection was replaced")
        self.assert_signed_by(rotated, cert2, key2)
        self.assertNotEqual(rotated.certificates[0].serial_number, self.ca.signer.serial_number)

        # 2. A config the parser refuses: the error line names the key and its line.
        with open(self.fx.config_path) as f:
            good_text = f.read()
        self.write_config_text(good_text + "colour: red\n")
        failed = self.hangup_and_wait(r'msg="reload failed, keeping the running config"', 1)
        lines = good_text.count("\n") + 1
        self.assertIn("level=error", failed[0])
        self.assertRegex(failed[0], rf"tanda\.yaml:{lines}: [^\"]*colour")
        self.assert_signed_by(self.ask(), cert2, key2)

        # 3. Files that cannot be loaded: every problem in one line, with the CA's location.
        missing = os.path.join(self.ca.dir, "missing.key")
        self.fx.write_config(ca_options={"ecdsa": {"signer_certificate": cert2_path,
                                                   "signer_key": missing},
                                         "rsa": {"issuer_certificate": missing}})
        failed = self.hangup_and_wait(r'msg="reload failed, keeping the running config"', 2)
        self.assertRegex(failed[1], r"tanda\.yaml:\d+: CA 'ecdsa': signer_key")
        self.assertRegex(failed[1], r"tanda\.yaml:\d+: CA 'rsa': issuer_certificate")
        self.assertIn("failed_reloads=2", failed[1])
        self.assert_signed_by(self.ask(), cert2, key2)
        self.assertIs(self.conn.sock, sock)

        # 4. A restart-only setting: named in a warning, the rest reloads (signer 1 again).
        self.fx.write_config(listen={"threads": 3})
        self.hangup_and_wait(r'msg="config reloaded"', 2)
        self.assertRegex(self.server.stderr(),
                         r"level=warn .*needs a restart.* setting=listen\.threads")
        self.assert_signed_by(self.ask(), self.ca.signer, self.ca.signer_key)
        self.assertIs(self.conn.sock, sock)
        samples = parse_metrics(scrape_metrics(self.server))
        self.assertEqual(metric_value(samples, "tanda_config_reloads_total", result="ok"), 2)
        self.assertEqual(metric_value(samples, "tanda_config_reloads_total", result="failed"), 2)
        self.assertAlmostEqual(
            metric_value(samples, "tanda_config_last_reload_success_timestamp_seconds"),
            time.time(), delta=120)
        self.assertEqual(metric_value(samples, "tanda_signer_not_after_timestamp_seconds",
                                      ca="ecdsa", delegated="1"),
                         self.ca.signer.not_valid_after.replace(
                             tzinfo=dt.timezone.utc).timestamp())

        # 5. SIGTERM: drained, storage closed, exit 0.
        self.conn.close()
        self.assertEqual(self.server.stop(), 0, self.server.stderr())
        self.assertRegex(self.server.stderr(), r"msg=stopped")

    def test_key_others_may_read_is_refused_on_reload(self):
        cert2, key2, cert2_path, key2_path = self.new_signer()
        os.chmod(key2_path, 0o644)
        self.fx.write_config(ca_options={"ecdsa": {"signer_certificate": cert2_path,
                                                   "signer_key": key2_path}})
        failed = self.hangup_and_wait(r'msg="reload failed, keeping the running config"', 1)
        self.assertRegex(failed[0], r"tanda\.yaml:\d+: CA 'ecdsa' signer_key '[^']*ocsp2\.key' "
                                    r"is accessible by others or writable by group \(mode 0644\)")
        self.assert_signed_by(self.ask(), self.ca.signer, self.ca.signer_key)
        os.chmod(key2_path, 0o600)
        self.hangup_and_wait(r'msg="config reloaded"', 1)
        self.assert_signed_by(self.ask(), cert2, key2)


if __name__ == "__main__":
    unittest.main()
