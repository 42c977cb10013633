"""The tanda command line: check-config, import and demo."""

import datetime as dt
import grp
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.request

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp

import harness
from harness import Fixture, Server, _write_key, _write_pem, issue, _name, run_tanda, to_yaml


class CliTestCase(unittest.TestCase):

    def fixture(self, **kw):
        fx = Fixture(**kw)
        self.addCleanup(fx.close)
        return fx

    def query(self, fx, ca, serial):
        import urllib.request
        req = urllib.request.Request(fx.server.url + "/",
                                     data=harness.single_request(ca.cert, serial),
                                     headers={"Content-Type": "application/ocsp-request"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return ocsp.load_der_ocsp_response(r.read())


class CheckConfigTest(CliTestCase):

    def test_good_config(self):
        fx = self.fixture(import_cas=False)
        r = run_tanda("check-config", fx.config_path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"{fx.config_path}: OK", r.stdout)
        self.assertIn("CA ecdsa:", r.stdout)
        self.assertIn("a delegated OCSP signer", r.stdout)
        self.assertIn("CA rsa:", r.stdout)
        self.assertIn("the CA key", r.stdout)

    def test_example_config_schema(self):
        # The shipped example names files that do not exist here: only those may be reported.
        example = os.path.join(harness.HERE, "..", "..", "config", "tanda.example.yaml")
        r = run_tanda("check-config", example)
        self.assertIn(r.returncode, (0, 78), r.stderr)
        for line in r.stderr.splitlines():
            self.assertNotRegex(line, r"unknown key|not allowed|syntax", line)

    def test_config_with_errors(self):
        fx = self.fixture(import_cas=False)
        ca = fx.pki.ecdsa
        text = (
            "listen:\n"                                   # 1
            "  address: 127.0.0.1\n"                      # 2
            "  port: 0\n"                                 # 3
            "  bogus_key: 1\n"                            # 4
            "storage:\n"                                  # 5
            f"  path: {fx.tmp}/data\n"                    # 6
            "cas:\n"                                      # 7
            "  - name: ecdsa\n"                           # 8
            f"    issuer_certificate: {ca.cert_path}\n"   # 9
            f"    signer_certificate: {ca.signer_path}\n" # 10
            f"    signer_key: {ca.signer_key_path}\n"     # 11
            "    max_certids: 0\n"                        # 12
            "    nonce:\n"                                # 13
            "      policy: sometimes\n"                   # 14
            "    response_validty: 1d\n"                  # 15
        )
        path = os.path.join(fx.tmp, "bad.yaml")
        with open(path, "w") as f:
            f.write(text)
        r = run_tanda("check-config", path)
        self.assertEqual(r.returncode, 78, r.stdout + r.stderr)
        err = r.stderr
        lines = err.splitlines()

        def line_for(n, *words):
            hits = [l for l in lines if l.startswith(f"{path}:{n}:")]
            self.assertTrue(hits, f"nothing reported at {path}:{n} in:\n{err}")
            for w in words:
                self.assertTrue(any(w in h for h in hits), f"{w!r} not in {hits}")

        line_for(4, "bogus_key")
        line_for(12, "max_certids")
        line_for(14, "sometimes")
        line_for(15, "response_validty")
        self.assertNotIn("OK", r.stdout)

    def test_yaml_syntax_error(self):
        fx = self.fixture(import_cas=False)
        path = os.path.join(fx.tmp, "syntax.yaml")
        with open(path, "w") as f:
            f.write("listen:\n  port: 0\n  address: [127.0.0.1\nstorage:\n  path: x\n")
        r = run_tanda("check-config", path)
        self.assertEqual(r.returncode, 78, r.stderr)
        self.assertRegex(r.stderr, re.escape(path) + r":\d+: ")

    def test_missing_file_and_usage(self):
        r = run_tanda("check-config", "/nonexistent/tanda.yaml")
        self.assertEqual(r.returncode, 78)
        self.assertIn("/nonexistent/tanda.yaml", r.stderr)
        r = run_tanda("check-config")
        self.assertEqual(r.returncode, 2)

    def signer_config(self, fx, eku):
        ca = fx.pki.ecdsa
        key = ec.generate_private_key(ec.SECP256R1())
        t = harness.now()
        cert = issue(_name("Not an OCSP signer"), key.public_key(), ca.cert.subject, ca.key,
                     0x1999, t - dt.timedelta(days=1), t + dt.timedelta(days=30), eku=eku,
                     aki_from=ca.key.public_key())
        cert_path = os.path.join(fx.tmp, "nosigner.pem")
        key_path = os.path.join(fx.tmp, "nosigner.key")
        _write_pem(cert_path, cert)
        _write_key(key_path, key)
        fx.write_config(ca_options={"ecdsa": {"signer_certificate": cert_path,
                                              "signer_key": key_path}})
        return fx.config_path

    def test_signer_without_ocsp_signing_eku_refused(self):
        fx = self.fixture(import_cas=False)
        path = self.signer_config(fx, eku=None)
        r = run_tanda("check-config", path)
        self.assertEqual(r.returncode, 78, r.stdout + r.stderr)
        self.assertIn("OCSPSigning", r.stderr)
        self.assertIn("ecdsa", r.stderr)
        self.assertRegex(r.stderr, re.escape(path) + r":\d+: ")
        # serve refuses the same config.
        r = run_tanda("serve", "--config", path, timeout=30)
        self.assertEqual(r.returncode, 78, r.stderr)

    def test_signer_with_other_eku_refused(self):
        from cryptography.x509.oid import ExtendedKeyUsageOID
        fx = self.fixture(import_cas=False)
        path = self.signer_config(fx, eku=[ExtendedKeyUsageOID.SERVER_AUTH])
        r = run_tanda("check-config", path)
        self.assertEqual(r.returncode, 78, r.stdout + r.stderr)
        self.assertIn("OCSPSigning", r.stderr)

    def test_key_not_matching_signer(self):
        fx = self.fixture(import_cas=False)
        fx.write_config(ca_options={"rsa": {"signer_key": fx.pki.ecdsa.key_path}})
        r = run_tanda("check-config", fx.config_path)
        self.assertEqual(r.returncode, 78, r.stdout + r.stderr)
        self.assertIn("rsa", r.stderr)


class KeyPermissionsTest(CliTestCase):
    """Private key files others may read are refused at start, or warned about when
    security.insecure_key_permissions is warn."""

    def line_of(self, fx, text):
        with open(fx.config_path) as f:
            for n, line in enumerate(f, 1):
                if text in line:
                    return n
        self.fail(f"{text} not in the config")

    def loosen(self, fx):
        ecdsa_key, rsa_key = fx.pki.ecdsa.signer_key_path, fx.pki.rsa.key_path
        os.chmod(ecdsa_key, 0o660)
        os.chmod(rsa_key, 0o604)
        group = f"'{grp.getgrgid(os.getegid()).gr_name}' (gid {os.getegid()})"
        return [f"{fx.config_path}:{self.line_of(fx, 'signer_key: ' + ecdsa_key)}: CA 'ecdsa' "
                f"signer_key '{ecdsa_key}' is accessible by others or writable by group (mode "
                f"0660): chmod 600 it, or chgrp it to tanda's group {group} and chmod 640 it "
                f"(or set security.insecure_key_permissions: warn)",
                f"{fx.config_path}:{self.line_of(fx, 'signer_key: ' + rsa_key)}: CA 'rsa' "
                f"signer_key '{rsa_key}' is accessible by others or writable by group (mode "
                f"0604)"]

    def test_refused_by_default(self):
        fx = self.fixture()
        expected = self.loosen(fx)
        r = run_tanda("check-config", fx.config_path)
        self.assertEqual(r.returncode, 78, r.stdout + r.stderr)
        for text in expected:
            self.assertIn(text, r.stderr)
        self.assertNotIn("OK", r.stdout)
        r = run_tanda("serve", "--config", fx.config_path, timeout=30)
        self.assertEqual(r.returncode, 78, r.stderr)
        self.assertIn('level=error msg="insecure key file"', r.stderr)
        self.assertIn("mode 0660", r.stderr)
        self.assertNotIn("msg=listening", r.stderr)
        self.assertNotIn("PRIVATE KEY", r.stderr)
        r = run_tanda("crl", "generate", "--config", fx.config_path, timeout=30)
        self.assertEqual(r.returncode, 78, r.stderr)
        # Fixed, the two ways README and tanda(8) give: owner only, or root:tanda 0640 (the
        # group the service runs as may read, nobody else).
        os.chmod(fx.pki.ecdsa.signer_key_path, 0o600)
        os.chmod(fx.pki.rsa.key_path, 0o640)
        os.chown(fx.pki.rsa.key_path, -1, os.getegid())
        r = run_tanda("check-config", fx.config_path)
        self.assertEqual(r.returncode, 0, r.stderr)
        fx.serve()
        self.assertNotIn("insecure key file", fx.server.stderr())

    def test_group_read_only_for_tanda_own_group(self):
        """0640 is the README's root:tanda rule: readable by the group tanda runs as, refused
        when the group is any other (its members could read the key)."""
        root = os.path.join(os.path.dirname(__file__), "..", "..")
        for doc, text in [("README.md", "chown root:tanda /etc/tanda/*.key; chmod 640"),
                          ("README.md", "chown root:tanda KEY; chmod 640 KEY"),
                          ("docs/tanda.8", "chown root:tanda KEY; chmod 640 KEY"),
                          ("systemd/tanda.service", "chown root:tanda KEY; chmod 640 KEY")]:
            with open(os.path.join(root, doc)) as f:
                self.assertIn(text, f.read(), doc)
        fx = self.fixture()
        key = fx.pki.ecdsa.signer_key_path
        os.chmod(key, 0o640)
        os.chown(key, -1, os.getegid())
        r = run_tanda("check-config", fx.config_path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("key", r.stderr)
        if os.geteuid() != 0:
            self.skipTest("giving the key to another group needs root")
        other = 65534 if os.getegid() != 65534 else 65533
        os.chown(key, -1, other)
        r = run_tanda("check-config", fx.config_path)
        self.assertEqual(r.returncode, 78, r.stderr)
        self.assertIn(f"signer_key '{key}' is readable by group", r.stderr)
        self.assertIn(f"gid {other})", r.stderr)
        self.assertIn("(mode 0640), not tanda's own group", r.stderr)

    def test_warn_mode_starts_and_says_so(self):
        fx = self.fixture()
        fx.extra = {"security": {"insecure_key_permissions": "warn"}}
        fx.write_config()
        expected = self.loosen(fx)
        r = run_tanda("check-config", fx.config_path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"{fx.config_path}: OK", r.stdout)
        for text in expected:
            self.assertIn("warning: " + text, r.stderr)
        fx.serve()
        self.assertIn('level=warn msg="insecure key file"', fx.server.stderr())
        ca = fx.pki.ecdsa
        resp = self.query(fx, ca, ca.leaves["good"].serial)
        self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.GOOD)


class ImportTest(CliTestCase):

    def test_malformed_line_imports_nothing(self):
        fx = self.fixture(import_cas=False)
        ca = fx.pki.ecdsa
        lines = ca.index_lines[:2] + ["R\t271122040613Z\tnot-a-time\t10AA\tunknown\t/CN=x\n",
                                      "V\tgarbage\n"] + ca.index_lines[2:4]
        bad = os.path.join(fx.tmp, "bad-index.txt")
        with open(bad, "w") as f:
            f.write("".join(lines))
        r = run_tanda("import", "--config", fx.config_path, "--ca", "ecdsa", "--index", bad)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn(f"{bad}:3: ", r.stderr)
        self.assertIn(f"{bad}:4: ", r.stderr)
        self.assertIn("6 tab-separated fields", r.stderr)
        self.assertIn("nothing was imported", r.stderr)
        self.assertNotIn(f"{bad}:1:", r.stderr)
        fx.serve()
        for label in ("good", "revoked"):
            with self.subTest(label=label):
                resp = self.query(fx, ca, ca.leaves[label].serial)
                self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.UNKNOWN)

    def _synthetic_index(self, n, bad_line=None, duplicate_line=None):
        """n index lines with serials 0x100000.. in reverse order; line `bad_line` malformed,
        line `duplicate_line` repeating line 2's serial (1-based line numbers)."""
        lines = []
        for i in range(n, 0, -1):
            revoked = i % 7 == 0
            lines.append(f"{'R' if revoked else 'V'}\t300101000000Z\t"
                         f"{'250101000000Z,superseded' if revoked else ''}\t{0x100000 + i:X}"
                         f"\tunknown\t/O=Synthetic/CN=holder {i}\n")
        if bad_line:
            lines[bad_line - 1] = lines[bad_line - 1].replace("300101000000Z", "notatime")
        if duplicate_line:
            lines[duplicate_line - 1] = lines[1]
        return lines

    def test_deep_problems_in_a_large_index_import_nothing(self):
        fx = self.fixture(import_cas=False)
        n = 30000
        spill = os.path.join(fx.tmp, "spill")
        os.makedirs(spill)
        bad = os.path.join(fx.tmp, "deep-bad.txt")
        with open(bad, "w") as f:
            f.write("".join(self._synthetic_index(n, bad_line=29000, duplicate_line=29990)))
        r = run_tanda("import", "--config", fx.config_path, "--ca", "ecdsa", "--index", bad,
                      "--tmp-dir", spill)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn(f"{bad}:29000: bad expiry time 'notatime'", r.stderr)
        self.assertIn(f"{bad}:29990: serial {0x100000 + n - 1:X} listed again (first on line 2)",
                      r.stderr)
        self.assertIn("2 problem(s); nothing was imported", r.stderr)
        self.assertNotIn("imported ", r.stderr)
        self.assertEqual(os.listdir(spill), [])
        # Nothing was committed: the good file then records every line, from journal seq 1.
        good = os.path.join(fx.tmp, "deep-good.txt")
        with open(good, "w") as f:
            f.write("".join(self._synthetic_index(n)))
        r = run_tanda("import", "--config", fx.config_path, "--ca", "ecdsa", "--index", good,
                      "--tmp-dir", spill)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"CA ecdsa: {n} certificates, {n} recorded, 0 unchanged, 0 kept revoked; "
                      f"journal at {n}", r.stdout)
        self.assertRegex(r.stderr, rf"imported {n}/{n} \(\d+/s, 0s left\)")
        # Again: nothing changes. With every revoked line turned back to V: revocations kept.
        r = run_tanda("import", "--config", fx.config_path, "--ca", "ecdsa", "--index", good)
        self.assertIn(f"{n} certificates, 0 recorded, {n} unchanged, 0 kept revoked; "
                      f"journal at {n}", r.stdout)
        flipped = os.path.join(fx.tmp, "deep-flipped.txt")
        with open(flipped, "w") as f:
            f.write("".join(l.replace("\t250101000000Z,superseded\t", "\t\t").replace("R\t", "V\t")
                            for l in self._synthetic_index(n)))
        r = run_tanda("import", "--config", fx.config_path, "--ca", "ecdsa", "--index", flipped)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"{n} certificates, 0 recorded, {n - n // 7} unchanged, {n // 7} kept "
                      f"revoked; journal at {n}", r.stdout)
        self.assertEqual(os.listdir(spill), [])

    def test_duplicate_serial_rejected(self):
        fx = self.fixture(import_cas=False)
        ca = fx.pki.rsa
        bad = os.path.join(fx.tmp, "dup-index.txt")
        with open(bad, "w") as f:
            f.write(ca.index_lines[0] + ca.index_lines[1] + ca.index_lines[0])
        r = run_tanda("import", "--config", fx.config_path, "--ca", "rsa", "--index", bad)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn(f"{bad}:3: ", r.stderr)

    def test_reimport_is_idempotent(self):
        fx = self.fixture()  # imported once already
        for name, ca in fx.pki.cas.items():
            with self.subTest(ca=name):
                r = run_tanda("import", "--config", fx.config_path, "--ca", name, "--index",
                              ca.index_path)
                self.assertEqual(r.returncode, 0, r.stderr)
                n = len(ca.index_lines)
                self.assertRegex(r.stdout, rf"CA {name}: {n} certificates, 0 recorded, "
                                           rf"{n} unchanged")

    def test_import_never_unrevokes(self):
        fx = self.fixture()
        ca = fx.pki.ecdsa
        leaf = ca.leaves["revoked"]
        line = next(l for l in ca.index_lines if f"\t{leaf.serial:X}\t" in l)
        fields = line.split("\t")
        fields[0], fields[2] = "V", ""
        path = os.path.join(fx.tmp, "unrevoke.txt")
        with open(path, "w") as f:
            f.write("\t".join(fields))
        r = run_tanda("import", "--config", fx.config_path, "--ca", "ecdsa", "--index", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("1 kept revoked", r.stdout)
        fx.serve()
        resp = self.query(fx, ca, leaf.serial)
        self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.REVOKED)

    def test_import_certs_dir(self):
        fx = self.fixture(import_cas=False)
        ca = fx.pki.rsa
        d = os.path.join(fx.tmp, "certs")
        os.makedirs(d)
        shutil.copy(ca.leaves["good"].path, d)
        shutil.copy(ca.leaves["unknown"].path, d)
        r = run_tanda("import", "--config", fx.config_path, "--ca", "rsa", "--certs", d)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("2 recorded", r.stdout)
        fx.serve()
        for label in ("good", "unknown"):
            resp = self.query(fx, ca, ca.leaves[label].serial)
            self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.GOOD)

    def test_usage_errors(self):
        fx = self.fixture(import_cas=False)
        r = run_tanda("import", "--config", fx.config_path, "--ca", "ecdsa")
        self.assertEqual(r.returncode, 2)
        r = run_tanda("import", "--config", fx.config_path, "--ca", "nope", "--index",
                      fx.pki.ecdsa.index_path)
        self.assertEqual(r.returncode, 2)
        self.assertIn("nope", r.stderr)


class UsageErrorTest(unittest.TestCase):
    """A usage error is the error and one line naming the --help to read (issue 17), exit 2;
    the help itself is printed only when asked for."""

    def test_every_command_prints_the_error_and_a_pointer(self):
        cases = [(("bogus",), "unknown command 'bogus'", "tanda"),
                 (("serve",), "--config FILE is required", "tanda serve"),
                 (("serve", "--config"), "--config needs a value", "tanda serve"),
                 (("demo", "--port", "99999"), "--port must be 0-65535", "tanda demo"),
                 (("import", "--bogus"), "unknown option --bogus", "tanda import"),
                 (("check-config",), "check-config takes exactly one FILE", "tanda check-config"),
                 (("crl", "list"), "the crl subcommands are 'generate' and 'import'",
                  "tanda crl generate"),
                 (("admin",), "admin needs a subcommand", "tanda admin")]
        for args, message, command in cases:
            with self.subTest(args=args):
                r = run_tanda(*args, env=dict(os.environ, TANDA_IO_BACKEND="epoll"))
                self.assertEqual(r.returncode, 2, r.stderr)
                lines = [line for line in r.stderr.splitlines()
                         if not line.startswith("level=")]
                self.assertEqual(lines, [f"tanda: {message}",
                                         f"Run '{command} --help' for usage."])
                self.assertEqual(r.stdout, "")
                # The pointer leads to the help.
                h = run_tanda(*command.split()[1:], "--help")
                self.assertEqual(h.returncode, 0, h.stderr)
                self.assertIn("Usage: " + command, h.stdout)


class ServeShutdownTest(CliTestCase):

    def test_sigterm_with_idle_and_partial_connections(self):
        fx = self.fixture(listen={"shutdown_grace": "2s"})
        fx.serve()
        ca = fx.pki.ecdsa
        self.assertEqual(self.query(fx, ca, ca.leaves["good"].serial).certificate_status,
                         ocsp.OCSPCertStatus.GOOD)
        idle = socket.create_connection(("127.0.0.1", fx.server.port), timeout=10)
        partial = socket.create_connection(("127.0.0.1", fx.server.port), timeout=10)
        self.addCleanup(idle.close)
        self.addCleanup(partial.close)
        partial.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/ocsp-request"
                        b"\r\nContent-Length: 50\r\n\r\nabc")
        # Make sure the server has accepted both before the signal.
        with socket.create_connection(("127.0.0.1", fx.server.port), timeout=10) as probe:
            probe.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            self.assertTrue(probe.recv(100).startswith(b"HTTP/1.1 200"))
        started = time.monotonic()
        fx.server.proc.send_signal(signal.SIGTERM)
        rc = fx.server.proc.wait(15)
        elapsed = time.monotonic() - started
        self.assertEqual(rc, 0, fx.server.stderr())
        self.assertLess(elapsed, 2 + 3, "shutdown_grace not honoured")
        self.assertEqual(idle.recv(100), b"")  # closed, no response
        self.assertIn("msg=stopped", fx.server.stderr())
        with self.assertRaises(OSError):
            socket.create_connection(("127.0.0.1", fx.server.port), timeout=2).close()


class DemoTest(CliTestCase):

    def start_demo(self, d, env=None):
        server = Server(["demo", "--dir", d, "--port", "0"], os.path.dirname(d),
                        name=f"demo-{time.monotonic_ns()}", env=env)
        self.addCleanup(server.stop)
        server.start()
        deadline = time.monotonic() + 20
        while "Stop with Ctrl-C." not in server.stdout():
            self.assertLess(time.monotonic(), deadline, "demo printed no instructions")
            time.sleep(0.05)
        return server

    def run_printed(self, command):
        args = shlex.split(command)
        self.assertEqual(args[:2], ["openssl", "ocsp"])
        r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=30)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("Response verify OK", r.stderr)
        return r.stdout

    @unittest.skipUnless(shutil.which("softhsm2-util"), "softhsm2 is needed")
    def test_demo_with_its_keys_on_a_softhsm_token(self):
        """README's two-line recipe: the demo's keys moved onto a SoftHSM2 token, then the demo
        signs through it (openssl's nonce makes every answer a fresh signature)."""
        tmp = tempfile.mkdtemp(prefix="tanda-demo-")
        self.addCleanup(shutil.rmtree, tmp, True)
        d = os.path.join(tmp, "demo")
        self.assertEqual(self.start_demo(d).stop(), 0)
        script = os.path.join(os.path.dirname(__file__), "..", "..", "scripts",
                              "demo-keys-on-softhsm.sh")
        r = subprocess.run([script, d], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout)
        conf = os.path.join(d, "softhsm", "softhsm2.conf")
        self.assertIn(f"SOFTHSM2_CONF={conf} tanda demo --dir {d}", r.stdout)
        self.assertFalse(os.path.exists(os.path.join(d, "ocsp.key")))
        self.assertFalse(os.path.exists(os.path.join(d, "ca.key")))
        server = self.start_demo(d, env=dict(os.environ, SOFTHSM2_CONF=conf))
        out = server.stdout()
        commands = [l.strip() for l in out.splitlines() if l.strip().startswith("openssl ocsp")]
        self.assertRegex(self.run_printed(commands[0]), r"good\.pem: good\n")
        self.assertRegex(self.run_printed(commands[1]), r"revoked\.pem: revoked\n")
        with open(os.path.join(d, "softhsm", "pin")) as f:
            self.assertNotIn(f.read().strip(), server.stderr())
        # Without the token's config the keys cannot be found, and the demo says which.
        r = subprocess.run([harness.tanda_bin(), "check-config", os.path.join(d, "tanda.yaml")],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=60, env={k: v for k, v in os.environ.items()
                                            if k != "SOFTHSM2_CONF"})
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn("pkcs11:token=tanda-demo;object=ocsp", r.stdout)

    def test_demo(self):
        tmp = tempfile.mkdtemp(prefix="tanda-demo-")
        self.addCleanup(shutil.rmtree, tmp, True)
        d = os.path.join(tmp, "demo")
        server = self.start_demo(d)
        self.assertIn("creating demo CA", server.stderr())
        out = server.stdout()
        self.assertIn(f"http://127.0.0.1:{server.port}", out)
        commands = [l.strip() for l in out.splitlines() if l.strip().startswith("openssl ocsp")]
        self.assertEqual(len(commands), 3, out)
        good = self.run_printed(commands[0])
        self.assertRegex(good, r"good\.pem: good\n")
        revoked = self.run_printed(commands[1])
        self.assertRegex(revoked, r"revoked\.pem: revoked\n")
        self.assertIn("Reason: keyCompromise", revoked)
        both = self.run_printed(commands[2])
        self.assertRegex(both, r"good2\.pem: good\n")
        self.assertRegex(both, r"revoked\.pem: revoked\n")
        self.assertIn("Hash Algorithm: sha256", both)
        for name in ("ca.pem", "ocsp.pem", "ocsp.key", "good.pem", "good2.pem", "revoked.pem",
                     "index.txt", "tanda.yaml"):
            self.assertTrue(os.path.exists(os.path.join(d, name)), name)
        self.assertEqual(os.stat(os.path.join(d, "ocsp.key")).st_mode & 0o077, 0)
        with open(os.path.join(d, "ca.pem"), "rb") as f:
            ca_before = f.read()
        self.assertEqual(server.stop(), 0, server.stderr())
        self.assertIn("msg=stopped", server.stderr())

        # Again on the same directory: reuses the CA, answers the same.
        server = self.start_demo(d)
        self.assertIn("reusing demo CA", server.stderr())
        with open(os.path.join(d, "ca.pem"), "rb") as f:
            self.assertEqual(f.read(), ca_before)
        out = server.stdout()
        commands = [l.strip() for l in out.splitlines() if l.strip().startswith("openssl ocsp")]
        self.assertRegex(self.run_printed(commands[0]), r"good\.pem: good\n")
        self.assertRegex(self.run_printed(commands[1]), r"revoked\.pem: revoked\n")
        self.assertEqual(server.stop(), 0, server.stderr())

        # A demo made before dual control (one operator) is moved aside, not reused: its
        # printed approve step could not work.
        os.remove(os.path.join(d, "operator2.pem"))
        server = self.start_demo(d)
        self.assertIn("predates dual control", server.stderr())
        self.assertIn("creating demo CA", server.stderr())
        self.assertTrue(os.path.exists(os.path.join(d, "operator2.pem")))
        kept = [n for n in os.listdir(tmp) if n.startswith("demo.old-")]
        self.assertEqual(len(kept), 1, os.listdir(tmp))
        with open(os.path.join(tmp, kept[0], "ca.pem"), "rb") as f:
            self.assertEqual(f.read(), ca_before)
        self.assertEqual(server.stop(), 0, server.stderr())

    @staticmethod
    def holder_status(url):
        with urllib.request.urlopen(url, timeout=10) as res:
            return json.loads(res.read())

    def test_printed_admin_commands_run_and_a_retry_is_a_replay(self):
        """The demo's two-step flow, copied: the revoke command run twice (a retry after a lost
        answer) answers the same pending request both times; the auditor lists it; the second
        operator's approve applies it. Every command names the tanda binary by absolute path."""
        tmp = tempfile.mkdtemp(prefix="tanda-demo-")
        self.addCleanup(shutil.rmtree, tmp, True)
        server = self.start_demo(os.path.join(tmp, "demo"))
        text = server.stdout().replace("\\\n", " ")
        printed = [shlex.split(l.strip()) for l in text.splitlines()
                   if l.strip().split(" ")[1:2] == ["admin"]]
        for args in printed:
            self.assertTrue(os.path.isabs(args[0]), args)
            self.assertTrue(os.access(args[0], os.X_OK), args)
        step = {a[2]: a for a in printed}
        first = run_tanda(*step["revoke"][1:])
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertIn('"status": "pending"', first.stdout)
        # The holder's token, printed on stderr so stdout stays JSON; it reads the status.
        token = re.search(r"holder status token \(give it to the holder\): ([0-9a-f]{64})\n",
                          first.stderr)
        self.assertIsNotNone(token, first.stderr)
        status_url = f"http://127.0.0.1:{server.port}/status/{token.group(1)}"
        self.assertEqual(self.holder_status(status_url)["status"], "pending")
        time.sleep(1.1)
        again = run_tanda(*step["revoke"][1:])
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual(again.stdout, first.stdout)
        r = run_tanda(*step["pending"][1:])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"request_id": "demo-1"', r.stdout)
        r = run_tanda(*step["approve"][1:])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"status": "revoked"', r.stdout)
        self.assertIn(self.holder_status(status_url)["status"], ("applied", "success"))
        r = run_tanda(*step["request"][1:])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"request_id": "demo-1"', r.stdout)

    def test_serve_sigterm_exit_code(self):
        fx = self.fixture()
        fx.serve()
        resp = self.query(fx, fx.pki.ecdsa, fx.pki.ecdsa.leaves["good"].serial)
        self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.GOOD)
        self.assertEqual(fx.server.stop(), 0)
        self.assertIn("signal=SIGTERM", fx.server.stderr())


if __name__ == "__main__":
    unittest.main()
