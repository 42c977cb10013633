"""Keys on a PKCS#11 token: a throwaway SoftHSM2 token in a temp dir, ECDSA P-256, P-384 and
RSA-2048 keys generated on it (never extractable), `tanda check-config` and `tanda serve`
signing OCSP responses and CRLs through it, checked by openssl and Python cryptography; live
signing from many threads at once; a wrong PIN named by URI without the PIN; a systemd
credential PIN; SIGHUP rotation to another key on the token; the admin listener's TLS key on the
token."""

import concurrent.futures
import datetime as dt
import ipaddress
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID

from test_admin import AdminPki, admin_call
from harness import (Server, _name, _write_key, _write_pem, asn1_time, issue, metric_value, now,
                     openssl, parse_metrics, run_tanda, scrape_metrics, single_request, to_yaml,
                     verify_signature, REVOKED_AT)

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PKCS11_SPY = "/usr/lib/x86_64-linux-gnu/pkcs11/pkcs11-spy.so"
PIN = "731904"        # digits no serial, port or time in the output is likely to contain
WRONG_PIN = "582640"
# label -> pkcs11-tool key type; each key is a served CA's own key (OCSP and CRLs).
TOKEN_CAS = {"p256": "EC:prime256v1", "p384": "EC:secp384r1", "rsa2048": "RSA:2048"}


def have_tools():
    return (os.path.exists(MODULE) and shutil.which("softhsm2-util")
            and shutil.which("pkcs11-tool"))


class Token:
    """A SoftHSM2 token labelled 'tanda' in `directory`, its PIN in a 0600 file."""

    def __init__(self, directory):
        self.dir = directory
        os.makedirs(os.path.join(directory, "tokens"))
        self.conf = os.path.join(directory, "softhsm2.conf")
        with open(self.conf, "w") as f:
            f.write(f"directories.tokendir = {directory}/tokens\n"
                    "objectstore.backend = file\nlog.level = ERROR\n")
        self.env = dict(os.environ, SOFTHSM2_CONF=self.conf)
        self.run("softhsm2-util", "--init-token", "--free", "--label", "tanda",
                 "--pin", PIN, "--so-pin", "5678")
        self.pin_file = self.write_pin("pin", PIN)

    def run(self, *args):
        r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           env=self.env, timeout=120)
        if r.returncode != 0:
            raise AssertionError(f"{args[0]} failed ({r.returncode}):\n{r.stdout}")
        return r.stdout

    def write_pin(self, name, pin):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(pin + "\n")
        os.chmod(path, 0o600)
        return path

    def keygen(self, label, key_id, key_type):
        """A key pair made on the token (private part sensitive, never extractable); returns
        its public key, read back through libp11 as the tests' own view of the token."""
        self.run("pkcs11-tool", "--module", MODULE, "--login", "--pin", PIN, "--keypairgen",
                 "--key-type", key_type, "--label", label, "--id", key_id)
        pem = os.path.join(self.dir, f"{label}.pub.pem")
        r = openssl("pkey", "-engine", "pkcs11", "-inform", "engine", "-pubin", "-in",
                    f"pkcs11:token=tanda;object={label};type=public", "-pubout", "-out", pem,
                    env=self.env)
        assert r.returncode == 0, r.stderr
        with open(pem, "rb") as f:
            return serialization.load_pem_public_key(f.read())

    def uri(self, label, pin_file=None):
        return (f"pkcs11:token=tanda;object={label};type=private"
                f"?pin-source=file:{pin_file or self.pin_file}&module-path={MODULE}")


class TokenCa:
    """A CA whose key is `label` on the token, issued by a file root CA, with two leaves."""

    def __init__(self, name, directory, root, root_key, public_key, serial_base):
        self.name, self.dir, self.public_key = name, directory, public_key
        os.makedirs(directory)
        t = now()
        self.cert = issue(_name(f"Tanda Token {name} CA"), public_key, root.subject, root_key,
                          serial_base, t - dt.timedelta(days=1), t + dt.timedelta(days=3650),
                          ca=True, aki_from=root_key.public_key())
        self.cert_path = os.path.join(directory, "ca.pem")
        _write_pem(self.cert_path, self.cert)
        self.good, self.revoked = serial_base + 0x10, serial_base + 0x11
        na = asn1_time(t + dt.timedelta(days=365))
        self.index_path = os.path.join(directory, "index.txt")
        with open(self.index_path, "w") as f:
            f.write(f"V\t{na}\t\t{self.good:X}\tunknown\t/CN=good\n"
                    f"R\t{na}\t{asn1_time(REVOKED_AT)},keyCompromise\t{self.revoked:X}\t"
                    f"unknown\t/CN=revoked\n")


@unittest.skipUnless(have_tools(), "softhsm2 and opensc (pkcs11-tool) are needed")
class Pkcs11Test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="tanda-p11-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        cls.token = Token(os.path.join(cls.tmp, "token"))
        t = now()
        cls.root_key = ec.generate_private_key(ec.SECP256R1())
        cls.root = issue(_name("Tanda Token Root"), cls.root_key.public_key(),
                         _name("Tanda Token Root"), cls.root_key, 1, t - dt.timedelta(days=1),
                         t + dt.timedelta(days=3650), ca=True)
        cls.cas = {}
        for i, (name, key_type) in enumerate(TOKEN_CAS.items()):
            public_key = cls.token.keygen(name, f"{i + 1:02x}", key_type)
            cls.cas[name] = TokenCa(name, os.path.join(cls.tmp, name), cls.root, cls.root_key,
                                    public_key, 0x1000 * (i + 1))
        # A file CA with a delegated OCSP signer on the token, for rotation.
        cls.deleg_key = ec.generate_private_key(ec.SECP256R1())
        subject = _name("Tanda Token deleg CA")
        cls.deleg = issue(subject, cls.deleg_key.public_key(), subject, cls.deleg_key, 0x9000,
                          t - dt.timedelta(days=1), t + dt.timedelta(days=3650), ca=True)
        cls.deleg_dir = os.path.join(cls.tmp, "deleg")
        os.makedirs(cls.deleg_dir)
        cls.deleg_path = os.path.join(cls.deleg_dir, "ca.pem")
        _write_pem(cls.deleg_path, cls.deleg)
        cls.deleg_key_path = os.path.join(cls.deleg_dir, "ca.key")
        _write_key(cls.deleg_key_path, cls.deleg_key)
        cls.signers = {label: cls.new_signer(label, f"{0x20 + n:02x}", 0x9100 + n)
                       for n, label in enumerate(("ocsp-a", "ocsp-b"))}
        cls.config_path = os.path.join(cls.tmp, "tanda.yaml")
        cls.config()
        for name, ca in cls.cas.items():
            r = run_tanda("import", "--config", cls.config_path, "--ca", name, "--index",
                          ca.index_path, env=cls.token.env)
            assert r.returncode == 0, f"import {name}: {r.stdout}{r.stderr}"
        # CRLs take the streamed path (entries spilled, signed through the token as read back).
        cls.server = Server(["serve", "--config", cls.config_path], cls.tmp,
                            env={**cls.token.env, "TANDA_TEST_CRL_SPILL_BYTES": "1"})
        cls.server.start()
        cls.addClassCleanup(cls.server.stop)

    @classmethod
    def new_signer(cls, label, key_id, serial):
        public_key = cls.token.keygen(label, key_id, "EC:prime256v1")
        t = now()
        cert = issue(_name(f"Tanda Token {label}"), public_key, cls.deleg.subject,
                     cls.deleg_key, serial, t - dt.timedelta(days=1), t + dt.timedelta(days=90),
                     eku=[ExtendedKeyUsageOID.OCSP_SIGNING],
                     aki_from=cls.deleg_key.public_key())
        path = os.path.join(cls.deleg_dir, f"{label}.pem")
        _write_pem(path, cert)
        return cert, public_key, path

    @classmethod
    def config(cls, signer="ocsp-a", pin_file=None, path=None):
        cas = [{"name": name, "issuer_certificate": ca.cert_path,
                "signer_key": cls.token.uri(name, pin_file), "approvals": 1}
               for name, ca in cls.cas.items()]
        cas.append({"name": "deleg", "issuer_certificate": cls.deleg_path,
                    "signer_certificate": cls.signers[signer][2],
                    "signer_key": cls.token.uri(signer, pin_file),
                    "crl": {"signing_key": cls.deleg_key_path}, "approvals": 1})
        text = to_yaml({"listen": {"address": "127.0.0.1", "port": 0, "threads": 2},
                        "storage": {"path": os.path.join(cls.tmp, "data"), "map_size": "64MiB"},
                        "cas": cas, "metrics": {"listen": {"port": 0}},
                        "pkcs11": {"max_sessions": 4}})
        path = path or cls.config_path
        with open(path, "w") as f:
            f.write(text)
        return path

    # -- helpers ------------------------------------------------------------------------------

    def post(self, der, server=None):
        req = urllib.request.Request((server or self.server).url + "/", data=der, method="POST",
                                     headers={"Content-Type": "application/ocsp-request"})
        with urllib.request.urlopen(req, timeout=20) as r:
            self.assertEqual(r.status, 200)
            return ocsp.load_der_ocsp_response(r.read())

    def ask(self, issuer, serial, nonce=True):
        return self.post(single_request(issuer, serial, nonce=os.urandom(16) if nonce else None))

    def fetch_crl(self, name):
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"{self.server.url}/crl/{name}.crl", timeout=10) as r:
                    return r.read()
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    # -- tests --------------------------------------------------------------------------------

    def test_keys_on_the_token_are_never_extractable(self):
        out = self.token.run("pkcs11-tool", "--module", MODULE, "--login", "--pin", PIN,
                             "--list-objects", "--type", "privkey")
        blocks = out.split("Private Key Object")[1:]
        self.assertEqual(len(blocks), len(TOKEN_CAS) + 2, out)
        for b in blocks:
            self.assertIn("never extractable", b)

    def test_check_config_opens_the_token(self):
        r = run_tanda("check-config", self.config_path, env=self.token.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(": OK", r.stdout)
        for name in TOKEN_CAS:
            self.assertRegex(r.stdout, rf"CA {name}: issuer .*, key on a PKCS#11 token\n")
        self.assertRegex(r.stdout, r"CA deleg: issuer .*a delegated OCSP signer .*, key on a "
                                   r"PKCS#11 token\n")

    def test_openssl_ocsp_verifies_each_token_key(self):
        for name, ca in self.cas.items():
            for serial, status in ((ca.good, "good"), (ca.revoked, "revoked")):
                with self.subTest(ca=name, status=status):
                    # openssl sends a nonce: a fresh signature through the token every time.
                    r = openssl("ocsp", "-issuer", ca.cert_path, "-serial", hex(serial),
                                "-url", self.server.url, "-VAfile", ca.cert_path)
                    self.assertEqual(r.returncode, 0, r.stderr)
                    self.assertIn("Response verify OK", r.stderr)
                    self.assertIn(f"{hex(serial)}: {status}".lower(), r.stdout.lower())

    def test_python_cryptography_verifies_each_token_key(self):
        for name, ca in self.cas.items():
            for nonce in (True, False):
                with self.subTest(ca=name, nonce=nonce):
                    resp = self.ask(ca.cert, ca.revoked, nonce)
                    self.assertEqual(resp.response_status, ocsp.OCSPResponseStatus.SUCCESSFUL)
                    self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.REVOKED)
                    verify_signature(resp, ca.public_key)  # raises InvalidSignature

    def test_crls_signed_through_the_token(self):
        for name, ca in self.cas.items():
            with self.subTest(ca=name):
                der = self.fetch_crl(name)
                path = os.path.join(self.tmp, f"{name}.crl")
                with open(path, "wb") as f:
                    f.write(der)
                r = openssl("crl", "-inform", "DER", "-in", path, "-CAfile", ca.cert_path,
                            "-noout", "-verify")
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn("verify OK", r.stdout + r.stderr)
                crl = x509.load_der_x509_crl(der)
                self.assertTrue(crl.is_signature_valid(ca.public_key))
                self.assertEqual([e.serial_number for e in crl], [ca.revoked])

    def test_live_signing_from_many_threads(self):
        # Nonce requests are signed on the signing pool's threads at once, all through libp11.
        jobs = [(ca, serial) for ca in self.cas.values() for serial in (ca.good, ca.revoked)] * 12
        with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
            answers = list(pool.map(lambda j: (j[0], self.ask(j[0].cert, j[1])), jobs))
        for ca, resp in answers:
            self.assertEqual(resp.response_status, ocsp.OCSPResponseStatus.SUCCESSFUL)
            verify_signature(resp, ca.public_key)
        self.assertIsNone(self.server.proc.poll())

    def test_per_token_metrics(self):
        before = parse_metrics(scrape_metrics(self.server))
        jobs = [(ca, ca.good) for ca in self.cas.values()] * 8
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            for resp in pool.map(lambda j: self.ask(j[0].cert, j[1]), jobs):
                self.assertEqual(resp.response_status, ocsp.OCSPResponseStatus.SUCCESSFUL)
        text = scrape_metrics(self.server)
        checked = subprocess.run(["promtool", "check", "metrics"], input=text, text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.assertEqual(checked.returncode, 0, checked.stdout)
        after = parse_metrics(text)
        signed = (metric_value(after, "tanda_pkcs11_signatures_total", token="tanda") -
                  metric_value(before, "tanda_pkcs11_signatures_total", token="tanda"))
        self.assertGreaterEqual(signed, len(jobs))  # every nonce answer is a token signature
        self.assertEqual(metric_value(after, "tanda_pkcs11_max_sessions", token="tanda"), 4)
        self.assertEqual(metric_value(after, "tanda_pkcs11_sessions_in_use", token="tanda"), 0)
        self.assertGreaterEqual(metric_value(after, "tanda_pkcs11_sign_seconds_count",
                                             token="tanda"), signed)
        self.assertEqual(metric_value(after, "tanda_pkcs11_failures_total", token="tanda"), 0)

    def test_wrong_pin_names_the_uri_not_the_pin(self):
        bad = self.token.write_pin("wrong-pin", WRONG_PIN)
        path = self.config(pin_file=bad, path=os.path.join(self.tmp, "wrong-pin.yaml"))
        for args in (("check-config", path), ("serve", "--config", path)):
            with self.subTest(command=args[0]):
                r = run_tanda(*args, env=self.token.env)
                self.assertEqual(r.returncode, 78, r.stdout + r.stderr)
                out = r.stdout + r.stderr
                self.assertIn(f"pkcs11:token=tanda;object=p256;type=private?pin-source=file:{bad}",
                              out)
                self.assertIn("PIN incorrect", out)
                self.assertNotIn(WRONG_PIN, out)
                self.assertNotIn(PIN, out)

    def test_missing_pin_file_is_named(self):
        missing = os.path.join(self.tmp, "no-such-pin")
        path = self.config(pin_file=missing, path=os.path.join(self.tmp, "no-pin.yaml"))
        r = run_tanda("check-config", path, env=self.token.env)
        self.assertEqual(r.returncode, 78, r.stdout + r.stderr)
        self.assertIn(f"{missing}: No such file or directory", r.stderr)

    def test_pin_from_a_systemd_credential(self):
        creds = os.path.join(self.tmp, "credentials")
        os.makedirs(creds, exist_ok=True)
        with open(os.path.join(creds, "tanda-pin"), "w") as f:
            f.write(PIN)
        path = os.path.join(self.tmp, "credential.yaml")
        with open(self.config(path=path)) as f:
            text = f.read().replace(f"pin-source=file:{self.token.pin_file}",
                                    "pin-source=credential:tanda-pin")
        with open(path, "w") as f:
            f.write(text)
        r = run_tanda("check-config", path, env=self.token.env)
        self.assertEqual(r.returncode, 78)
        self.assertIn("CREDENTIALS_DIRECTORY", r.stderr)
        r = run_tanda("check-config", path, env=dict(self.token.env, CREDENTIALS_DIRECTORY=creds))
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_sighup_rotates_to_another_key_on_the_token(self):
        # Runs on its own server: rotation must not race the other tests' deleg answers.
        path = os.path.join(self.tmp, "rotate.yaml")
        self.config(path=path)
        workdir = tempfile.mkdtemp(dir=self.tmp)
        with open(path) as f:
            text = f.read().replace(os.path.join(self.tmp, "data"),
                                    os.path.join(workdir, "data"))
        with open(path, "w") as f:
            f.write(text)
        server = Server(["serve", "--config", path], workdir, env=self.token.env)
        server.start()
        self.addCleanup(server.stop)
        first = self.post(single_request(self.deleg, 0x9999, nonce=os.urandom(8)), server)
        verify_signature(first, self.signers["ocsp-a"][1])
        self.assertEqual(first.certificates, [self.signers["ocsp-a"][0]])
        with open(path, "w") as f:
            f.write(text.replace("ocsp-a", "ocsp-b"))
        server.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 20
        while 'msg="config reloaded"' not in server.stderr():
            self.assertLess(time.monotonic(), deadline, server.stderr())
            time.sleep(0.05)
        self.assertRegex(server.stderr(), r'msg="reload: CA" ca=deleg change="signer rotated"')
        rotated = self.post(single_request(self.deleg, 0x9999, nonce=os.urandom(8)), server)
        verify_signature(rotated, self.signers["ocsp-b"][1])
        self.assertEqual(rotated.certificates, [self.signers["ocsp-b"][0]])
        self.assertEqual(server.stop(), 0)

    @unittest.skipUnless(os.path.exists(PKCS11_SPY), "opensc's pkcs11-spy.so is needed")
    def test_rsa_pss_is_one_pss_call_on_the_token(self):
        # Through opensc's logging module: the token must be asked for CKM_RSA_PKCS_PSS. Raw RSA
        # (CKM_RSA_X_509, OpenSSL padding by itself) is what many HSMs refuse.
        workdir = tempfile.mkdtemp(dir=self.tmp)
        spy_log = os.path.join(workdir, "spy.log")
        ca = self.cas["rsa2048"]
        uri = self.token.uri("rsa2048").replace(MODULE, PKCS11_SPY)
        path = os.path.join(workdir, "pss.yaml")
        with open(path, "w") as f:
            f.write(to_yaml({"listen": {"address": "127.0.0.1", "port": 0, "threads": 2},
                             "storage": {"path": os.path.join(workdir, "data"),
                                         "map_size": "64MiB"},
                             "cas": [{"name": "rsa2048", "issuer_certificate": ca.cert_path,
                                      "signer_key": uri, "rsa_padding": "pss",
                                      "approvals": 1}],
                             "metrics": {"enabled": False}}))
        # The spy module leaks 16 bytes of its own: not Tanda's, kept out of the sanitizer pass.
        suppressions = os.path.join(workdir, "lsan.supp")
        with open(suppressions, "w") as f:
            f.write("leak:pkcs11-spy.so\n")
        env = dict(self.token.env, PKCS11SPY=MODULE, PKCS11SPY_OUTPUT=spy_log,
                   LSAN_OPTIONS=f"suppressions={suppressions}")
        server = Server(["serve", "--config", path], workdir, env=env)
        server.start()
        self.addCleanup(server.stop)
        answer = self.post(single_request(ca.cert, ca.good, nonce=os.urandom(8)), server)
        self.assertEqual(answer.response_status, ocsp.OCSPResponseStatus.SUCCESSFUL)
        self.assertEqual(answer.signature_algorithm_oid, x509.SignatureAlgorithmOID.RSASSA_PSS)
        ca.public_key.verify(answer.signature, answer.tbs_response_bytes,
                             padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
                             hashes.SHA256())
        self.assertEqual(server.stop(), 0, server.stderr())
        with open(spy_log, errors="replace") as f:
            mechanisms = re.findall(r"pMechanism->type = (CKM_\w+)", f.read())
        self.assertIn("CKM_RSA_PKCS_PSS", mechanisms)
        self.assertNotIn("CKM_RSA_X_509", mechanisms)


P11_KIT = shutil.which("p11-kit") or "/usr/bin/p11-kit"
P11_KIT_CLIENT = "/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-client.so"


@unittest.skipUnless(have_tools(), "softhsm2 and opensc (pkcs11-tool) are needed")
class AdminKeyOnTokenTest(unittest.TestCase):
    """admin.server_key as a pkcs11: URI: every admin TLS handshake is signed on the token."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="tanda-p11-admin-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.token = Token(os.path.join(self.tmp, "token"))
        self.admin = AdminPki(os.path.join(self.tmp, "admin"))
        t = now()
        self.tls_public = self.token.keygen("admin-tls", "31", "EC:prime256v1")
        self.token.keygen("other-tls", "32", "EC:prime256v1")
        server = (x509.CertificateBuilder().subject_name(_name("localhost"))
                  .issuer_name(self.admin.server_ca.subject).public_key(self.tls_public)
                  .serial_number(3).not_valid_before(t - dt.timedelta(days=1))
                  .not_valid_after(t + dt.timedelta(days=30))
                  .add_extension(x509.SubjectAlternativeName(
                      [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
                  .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
                  .sign(self.admin.server_ca_key, hashes.SHA256()))
        self.server_cert = os.path.join(self.tmp, "admin-token-server.pem")
        _write_pem(self.server_cert, server)
        # One file CA to serve: the admin listener is what is under test.
        key = ec.generate_private_key(ec.SECP256R1())
        subject = _name("Tanda Admin Token Test CA")
        self.ca_path = os.path.join(self.tmp, "ca.pem")
        _write_pem(self.ca_path, issue(subject, key.public_key(), subject, key, 0x7100,
                                       t - dt.timedelta(days=1), t + dt.timedelta(days=365),
                                       ca=True))
        self.ca_key_path = os.path.join(self.tmp, "ca.key")
        _write_key(self.ca_key_path, key)

    def config(self, label):
        admin = self.admin.config()
        admin["admin"]["server_certificate"] = self.server_cert
        admin["admin"]["server_key"] = self.token.uri(label)
        path = os.path.join(self.tmp, f"tanda-{label}.yaml")
        with open(path, "w") as f:
            f.write(to_yaml({"listen": {"address": "127.0.0.1", "port": 0, "threads": 2},
                             "storage": {"path": os.path.join(self.tmp, "data"),
                                         "map_size": "64MiB"},
                             "cas": [{"name": "file", "issuer_certificate": self.ca_path,
                                      "signer_key": self.ca_key_path}],
                             **admin}))
        return path

    def test_admin_tls_handshakes_are_signed_on_the_token(self):
        good = self.config("admin-tls")
        r = run_tanda("check-config", good, env=self.token.env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        # A key on the token that is not the certificate's is refused, naming the URI.
        wrong = self.config("other-tls")
        r = run_tanda("check-config", wrong, env=self.token.env)
        self.assertEqual(r.returncode, 78, r.stdout + r.stderr)
        self.assertIn("admin TLS", r.stderr)
        self.assertIn("object=other-tls", r.stderr)
        self.assertIn("key values mismatch", r.stderr)
        self.assertNotIn(PIN, r.stderr)

        server = Server(["serve", "--config", good], self.tmp, env=self.token.env)
        server.start()
        self.addCleanup(server.stop)
        status, body = admin_call(self.admin, server.admin_port, "GET", "/v1/journal",
                                  client="auditor")
        self.assertEqual(status, 200, body)
        # The handshake's certificate is the token key's, and its CertificateVerify (TLS 1.3)
        # verified against it: the signature was made on the token.
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(self.admin.path_server_ca)
        ctx.load_cert_chain(*self.admin.pair("auditor"))
        with socket.create_connection(("127.0.0.1", server.admin_port), timeout=10) as raw:
            with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                peer = x509.load_der_x509_certificate(tls.getpeercert(binary_form=True))
                self.assertEqual(tls.version(), "TLSv1.3")
        self.assertEqual(peer.public_key().public_numbers(), self.tls_public.public_numbers())


@unittest.skipUnless(have_tools() and os.path.exists(P11_KIT_CLIENT),
                     "softhsm2, opensc and p11-kit-modules are needed")
class TokenOutageTest(unittest.TestCase):
    """An HSM reached over a socket (SoftHSM served by `p11-kit server`, Tanda using p11-kit's
    client module, as with a network HSM) that goes away while Tanda serves: Tanda keeps
    answering (it once died of SIGPIPE here), live answers are tryLater, cached ones are still
    served, /readyz names the signer, and a metric and one log line say why."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="tanda-p11-outage-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.token = Token(os.path.join(self.tmp, "token"))
        public_key = self.token.keygen("p256", "01", "EC:prime256v1")
        t = now()
        root_key = ec.generate_private_key(ec.SECP256R1())
        root = issue(_name("Tanda Outage Root"), root_key.public_key(),
                     _name("Tanda Outage Root"), root_key, 1, t - dt.timedelta(days=1),
                     t + dt.timedelta(days=3650), ca=True)
        self.ca = TokenCa("p256", os.path.join(self.tmp, "p256"), root, root_key, public_key,
                          0x1000)
        self.socket = os.path.join(self.tmp, "p11-kit.sock")
        self.hsm = None
        self.start_hsm()
        self.addCleanup(self.stop_hsm)
        uri = (f"pkcs11:token=tanda;object=p256;type=private?pin-source=file:"
               f"{self.token.pin_file}&module-path={P11_KIT_CLIENT}")
        config = os.path.join(self.tmp, "tanda.yaml")
        with open(config, "w") as f:
            f.write(to_yaml({"listen": {"address": "127.0.0.1", "port": 0, "threads": 2},
                             "storage": {"path": os.path.join(self.tmp, "data"),
                                         "map_size": "64MiB"},
                             "cas": [{"name": "p256", "issuer_certificate": self.ca.cert_path,
                                      "signer_key": uri, "approvals": 1,
                                      "crl": {"enabled": True, "signing_key": uri,
                                              "debounce": "0s"}}],
                             "state_dir": os.path.join(self.tmp, "crl"),
                             "metrics": {"listen": {"port": 0}}}))
        self.config = config
        env = dict(self.token.env, P11_KIT_SERVER_ADDRESS=f"unix:path={self.socket}")
        self.env = env
        r = run_tanda("import", "--config", config, "--ca", "p256", "--index",
                      self.ca.index_path, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.server = Server(["serve", "--config", config], self.tmp, env=env)
        self.server.start()
        self.addCleanup(self.server.stop)

    def start_hsm(self):
        # Its own session: `p11-kit server` runs a child per client, killed with it.
        if os.path.exists(self.socket):
            os.unlink(self.socket)  # a killed server leaves it behind
        self.hsm = subprocess.Popen([P11_KIT, "server", "-f", "-n", self.socket, "-p", MODULE,
                                     "pkcs11:token=tanda"], env=self.token.env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    start_new_session=True)
        deadline = time.monotonic() + 10
        while not os.path.exists(self.socket):
            self.assertLess(time.monotonic(), deadline, "p11-kit server did not start")
            time.sleep(0.05)

    def stop_hsm(self):
        if self.hsm and self.hsm.poll() is None:
            os.killpg(self.hsm.pid, signal.SIGKILL)
            self.hsm.wait()

    def ask(self, serial, nonce):
        der = single_request(self.ca.cert, serial, nonce=os.urandom(16) if nonce else None)
        req = urllib.request.Request(self.server.url + "/", data=der, method="POST",
                                     headers={"Content-Type": "application/ocsp-request"})
        with urllib.request.urlopen(req, timeout=20) as r:
            return ocsp.load_der_ocsp_response(r.read())

    def readyz(self):
        try:
            with urllib.request.urlopen(self.server.url + "/readyz", timeout=10) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def test_the_token_going_away_answers_try_later_and_keeps_serving(self):
        live = self.ask(self.ca.good, nonce=True)
        self.assertEqual(live.response_status, ocsp.OCSPResponseStatus.SUCCESSFUL)
        verify_signature(live, self.ca.public_key)
        cached = self.ask(self.ca.revoked, nonce=False)  # signed now, then served from cache
        self.assertEqual(cached.certificate_status, ocsp.OCSPCertStatus.REVOKED)
        self.assertEqual(self.readyz()[0], 200)

        self.stop_hsm()
        for _ in range(3):
            answer = self.ask(self.ca.good, nonce=True)
            self.assertEqual(answer.response_status, ocsp.OCSPResponseStatus.TRY_LATER)
        self.assertIsNone(self.server.proc.poll(), "tanda died when the token went away")
        again = self.ask(self.ca.revoked, nonce=False)
        self.assertEqual(again.response_status, ocsp.OCSPResponseStatus.SUCCESSFUL)
        self.assertEqual(again.certificate_status, ocsp.OCSPCertStatus.REVOKED)
        verify_signature(again, self.ca.public_key)
        status, body = self.readyz()
        self.assertEqual(status, 503, body)
        self.assertIn("signer of CA p256 failing since", body)
        metrics = parse_metrics(scrape_metrics(self.server))
        self.assertGreaterEqual(
            metric_value(metrics, "tanda_ocsp_signing_failures_total", ca="p256"), 3)
        try_later = sum(v for (name, labels), v in metrics.items()
                        if name == "tanda_ocsp_requests_total"
                        and ("outcome", "try_later") in labels)
        self.assertGreaterEqual(try_later, 3)
        log = self.server.stderr()
        self.assertEqual(log.count("the signing key's token does not sign"), 1, log)
        self.assertNotIn(PIN, log)

    def crl(self):
        with urllib.request.urlopen(f"{self.server.url}/crl/p256.crl", timeout=10) as r:
            return x509.load_der_x509_crl(r.read())

    def test_crls_resume_without_a_restart_when_the_token_is_back(self):
        first = self.crl()
        number = first.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
        self.stop_hsm()
        # The good certificate revoked by another process: a CRL is due at once (debounce 0s).
        index = os.path.join(self.tmp, "index-revoked.txt")
        with open(self.ca.index_path) as f, open(index, "w") as out:
            for line in f:
                fields = line.split("\t")
                if fields[3] == f"{self.ca.good:X}":
                    fields[0], fields[2] = "R", f"{asn1_time(REVOKED_AT)},keyCompromise"
                out.write("\t".join(fields))
        r = run_tanda("import", "--config", self.config, "--ca", "p256", "--index", index,
                      env=self.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        deadline = time.monotonic() + 20
        while 'msg="CRL key not reopened, still failing"' not in self.server.stderr():
            self.assertLess(time.monotonic(), deadline, self.server.stderr())
            time.sleep(0.2)
        self.assertIn('msg="CRL generation failed" ca=p256', self.server.stderr())
        self.start_hsm()
        # The next attempt is 30 s after the failed one; then the key is loaded again and signs.
        deadline = time.monotonic() + 60
        while True:
            crl = self.crl()
            if crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number > number:
                break
            self.assertLess(time.monotonic(), deadline, self.server.stderr())
            time.sleep(0.5)
        self.assertTrue(crl.is_signature_valid(self.ca.public_key))
        self.assertIsNotNone(crl.get_revoked_certificate_by_serial_number(self.ca.good))
        self.assertIsNotNone(crl.get_revoked_certificate_by_serial_number(self.ca.revoked))
        self.assertIn('msg="CRL key reopened, signing again" ca=p256', self.server.stderr())
        self.assertIsNone(self.server.proc.poll())

    def test_signing_resumes_without_a_restart_when_the_token_is_back(self):
        cached = self.ask(self.ca.revoked, nonce=False)
        self.assertEqual(cached.certificate_status, ocsp.OCSPCertStatus.REVOKED)
        self.stop_hsm()
        self.assertEqual(self.ask(self.ca.good, nonce=True).response_status,
                         ocsp.OCSPResponseStatus.TRY_LATER)
        self.assertEqual(self.readyz()[0], 503)
        time.sleep(6)  # a reopen attempt while the HSM is away fails, and is retried later
        self.assertEqual(self.ask(self.ca.good, nonce=True).response_status,
                         ocsp.OCSPResponseStatus.TRY_LATER)
        self.start_hsm()
        # p11-kit's client module does not reconnect by itself: only a reopened module signs.
        deadline = time.monotonic() + 60
        while True:
            answer = self.ask(self.ca.good, nonce=True)
            if answer.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL:
                break
            self.assertLess(time.monotonic(), deadline, self.server.stderr())
            self.readyz()  # /readyz's probe notices the token too, as for a node out of the LB
            time.sleep(0.5)
        self.assertEqual(answer.certificate_status, ocsp.OCSPCertStatus.GOOD)
        verify_signature(answer, self.ca.public_key)
        deadline = time.monotonic() + 15
        while self.readyz()[0] != 200:
            self.assertLess(time.monotonic(), deadline, self.readyz()[1])
            time.sleep(0.5)
        # The cached answer was kept: the same bytes as before the outage.
        again = self.ask(self.ca.revoked, nonce=False)
        self.assertEqual(again.produced_at, cached.produced_at)
        log = self.server.stderr()
        self.assertIn('msg="token keys not reopened, still failing"', log)
        self.assertIn('msg="token keys reopened, signing again" cas=p256', log)
        self.assertNotIn(PIN, log)
        metrics = parse_metrics(scrape_metrics(self.server))
        self.assertGreaterEqual(metric_value(metrics, "tanda_pkcs11_reopens_total", result="ok"), 1)
        self.assertGreaterEqual(
            metric_value(metrics, "tanda_pkcs11_reopens_total", result="failed"), 1)
        self.assertIsNone(self.server.proc.poll())


if __name__ == "__main__":
    unittest.main()
