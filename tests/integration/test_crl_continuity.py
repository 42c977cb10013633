"""CRL number continuity (RFC 5280 5.2.3): a CA that used CRL numbers before Tanda tells
`tanda import` the last one (OpenSSL's crlnumber file, --last-crl or --crl-number) and the
first CRL `tanda serve` publishes is numbered above it, as `openssl crl -crlnumber` reads it."""

import datetime as dt
import os
import unittest

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from harness import Fixture, openssl, run_tanda
from test_crl import fetch


class CrlContinuityTest(unittest.TestCase):

    def setUp(self):
        self.fx = Fixture()
        self.addCleanup(self.fx.close)

    def write(self, name, data):
        path = os.path.join(self.fx.tmp, name)
        with open(path, "wb" if isinstance(data, bytes) else "w") as f:
            f.write(data)
        return path

    def import_number(self, *args):
        return run_tanda("import", "--config", self.fx.config_path, "--ca", "rsa", *args)

    def served_number(self):
        """The rsa CA's CRL number, read by `openssl crl -noout -crlnumber`."""
        server = self.fx.serve()
        status, _, body = fetch(server, "rsa.crl")
        self.assertEqual(status, 200, body)
        r = openssl("crl", "-inform", "DER", "-in", self.write("served.crl", body),
                    "-noout", "-crlnumber")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith("crlNumber="), r.stdout)
        return int(r.stdout.strip().removeprefix("crlNumber=").removeprefix("0x"), 16)

    def rsa_crl(self, number, key=None):
        """A CRL numbered `number` that the rsa CA signed elsewhere, as PEM."""
        ca = self.fx.pki.rsa
        t = dt.datetime.now(dt.timezone.utc)
        crl = (x509.CertificateRevocationListBuilder().issuer_name(ca.cert.subject)
               .last_update(t).next_update(t + dt.timedelta(days=7))
               .add_extension(x509.CRLNumber(number), critical=False)
               .sign(key or ca.key, hashes.SHA256()))
        return crl.public_bytes(serialization.Encoding.PEM)

    def test_openssl_crlnumber_file_holds_the_next_number(self):
        # `openssl ca` would number its next CRL 0x03E9 = 1001: it last used 1000.
        r = self.import_number("--crlnumber-file", self.write("crlnumber", "03E9\n"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("last CRL number used 1000", r.stdout)
        number = self.served_number()
        self.assertGreater(number, 1000)
        self.assertEqual(number, 1001)  # the number openssl ca would have used next

    def test_last_crl_and_crl_number_the_largest_wins(self):
        r = self.import_number("--last-crl", self.write("last.crl", self.rsa_crl(5000)),
                               "--crl-number", "42")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.served_number(), 5001)

    def test_unusable_inputs_are_refused_and_change_nothing(self):
        other = self.fx.pki.other
        cases = [
            ("--crlnumber-file", self.write("bad", "not hex\n"), "one hex number"),
            ("--last-crl", self.write("o.crl", self.rsa_crl(9000, other.key)), "does not verify"),
            ("--crl-number", "-5", "decimal number"),
        ]
        for option, value, message in cases:
            with self.subTest(option=option):
                r = self.import_number(option, value)
                self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
                self.assertIn(message, r.stderr)
        self.assertEqual(self.served_number(), 1)


if __name__ == "__main__":
    unittest.main()
