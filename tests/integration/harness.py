"""Integration test harness for Tanda: PKI fixtures, config, import and a served responder.

Run with Debian's /usr/bin/python3 (python3-cryptography 38). TANDA_BIN names the binary.
Every fixture lives in its own temporary directory and every server binds 127.0.0.1 port 0,
so test modules can run in parallel (ctest -j2).
"""

import base64
import datetime as dt
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

UTC = dt.timezone.utc
HERE = os.path.dirname(os.path.abspath(__file__))

# A fixed past revocation time, written to index.txt and expected back in responses.
REVOKED_AT = dt.datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC)
INVALIDITY_AT = dt.datetime(2024, 2, 15, 0, 0, 0, tzinfo=UTC)

OID_NONCE = x509.ObjectIdentifier("1.3.6.1.5.5.7.48.1.2")
OID_ARCHIVE_CUTOFF = x509.ObjectIdentifier("1.3.6.1.5.5.7.48.1.6")
OID_EXTENDED_REVOKE = x509.ObjectIdentifier("1.3.6.1.5.5.7.48.1.9")
OID_INVALIDITY_DATE = x509.ObjectIdentifier("2.5.29.24")

# index.txt reason names (OpenSSL spelling) -> cryptography ReasonFlags.
REASONS = {
    "keyCompromise": x509.ReasonFlags.key_compromise,
    "CACompromise": x509.ReasonFlags.ca_compromise,
    "affiliationChanged": x509.ReasonFlags.affiliation_changed,
    "superseded": x509.ReasonFlags.superseded,
    "cessationOfOperation": x509.ReasonFlags.cessation_of_operation,
    "certificateHold": x509.ReasonFlags.certificate_hold,
    "privilegeWithdrawn": x509.ReasonFlags.privilege_withdrawn,
    "AACompromise": x509.ReasonFlags.aa_compromise,
}


def tanda_bin():
    path = os.environ.get("TANDA_BIN")
    if not path:
        for candidate in ("build-it/cli/tanda", "build-it/tanda"):
            p = os.path.join(HERE, "..", "..", candidate)
            if os.path.exists(p):
                path = os.path.abspath(p)
                break
    if not path or not os.access(path, os.X_OK):
        raise unittest.SkipTest("TANDA_BIN is not set to an executable tanda binary")
    return path


def now():
    return dt.datetime.now(UTC).replace(microsecond=0)


def asn1_time(t):
    """index.txt time: YYMMDDHHMMSSZ."""
    return t.astimezone(UTC).strftime("%y%m%d%H%M%SZ")


# ---------------------------------------------------------------------------------------------
# Minimal DER, enough to build OCSP requests by hand (several CertIDs, any hash, odd nonces)
# and to read extension values cryptography 38 leaves unparsed.


def der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, content):
    return bytes([tag]) + der_len(len(content)) + content


def der_seq(*items):
    return tlv(0x30, b"".join(items))


def der_oid(dotted):
    parts = [int(p) for p in dotted.split(".")]
    body = bytes([40 * parts[0] + parts[1]])
    for p in parts[2:]:
        chunk = [p & 0x7F]
        p >>= 7
        while p:
            chunk.append(0x80 | (p & 0x7F))
            p >>= 7
        body += bytes(reversed(chunk))
    return tlv(0x06, body)


def der_int(value):
    length = max(1, (value.bit_length() + 8) // 8)  # room for a sign bit
    return tlv(0x02, value.to_bytes(length, "big", signed=True))


def der_octets(b):
    return tlv(0x04, b)


def der_read(data, pos=0):
    """Returns (tag, content, next_pos) of the TLV at pos."""
    tag = data[pos]
    n = data[pos + 1]
    pos += 2
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(data[pos:pos + k], "big")
        pos += k
    return tag, data[pos:pos + n], pos + n


def der_children(content):
    out, pos = [], 0
    while pos < len(content):
        tag, value, pos = der_read(content, pos)
        out.append((tag, value))
    return out


def parse_generalized_time(content):
    text = content.decode("ascii")
    return dt.datetime.strptime(text, "%Y%m%d%H%M%SZ").replace(tzinfo=UTC)


HASH_OIDS = {
    "md5": "1.2.840.113549.2.5",
    "sha1": "1.3.14.3.2.26",
    "sha224": "2.16.840.1.101.3.4.2.4",
    "sha256": "2.16.840.1.101.3.4.2.1",
    "sha384": "2.16.840.1.101.3.4.2.2",
    "sha512": "2.16.840.1.101.3.4.2.3",
}


def key_bits(cert):
    """The subjectPublicKey BIT STRING contents (without the unused-bits octet)."""
    spki = cert.public_key().public_bytes(serialization.Encoding.DER,
                                          serialization.PublicFormat.SubjectPublicKeyInfo)
    _, seq, _ = der_read(spki)
    children = der_children(seq)
    assert children[1][0] == 0x03
    return children[1][1][1:]


def cert_id(issuer, serial, alg="sha1"):
    """DER CertID for (issuer certificate, serial) hashed with alg (hashlib name)."""
    name_hash = hashlib.new(alg, issuer.subject.public_bytes()).digest()
    key_hash = hashlib.new(alg, key_bits(issuer)).digest()
    return der_seq(der_seq(der_oid(HASH_OIDS[alg]), b"\x05\x00"),
                   der_octets(name_hash), der_octets(key_hash), der_int(serial))


def nonce_extension(nonce):
    return der_seq(der_oid(OID_NONCE.dotted_string), der_octets(der_octets(nonce)))


def build_request(cert_ids, nonce=None, extra_extensions=()):
    """DER OCSPRequest with one Request per CertID and an optional nonce."""
    exts = []
    if nonce is not None:
        exts.append(nonce_extension(nonce))
    exts.extend(extra_extensions)
    tbs = [der_seq(*[der_seq(cid) for cid in cert_ids])]
    if exts:
        tbs.append(tlv(0xA2, der_seq(*exts)))
    return der_seq(der_seq(*tbs))


def single_request(issuer, serial, alg="sha1", nonce=None):
    return build_request([cert_id(issuer, serial, alg)], nonce=nonce)


# ---------------------------------------------------------------------------------------------
# PKI fixtures


def _name(cn, org="Tanda Integration"):
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _write_pem(path, cert):
    with open(path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))


def _write_key(path, key):
    with open(path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM,
                                  serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    os.chmod(path, 0o600)


def issue(subject, public_key, issuer_name, issuer_key, serial, not_before, not_after,
          ca=False, eku=None, aki_from=None):
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer_name)
         .public_key(public_key).serial_number(serial)
         .not_valid_before(not_before).not_valid_after(not_after))
    b = b.add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    if ca:
        b = b.add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False,
                                          False), critical=True)
    else:
        b = b.add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False,
                                          False), critical=True)
    if eku:
        b = b.add_extension(x509.ExtendedKeyUsage(eku), critical=False)
    b = b.add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    if aki_from is not None:
        b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(aki_from),
                            critical=False)
    algorithm = hashes.SHA256()
    return b.sign(issuer_key, algorithm)


class Leaf:
    def __init__(self, label, cert, path, status, reason=None, revoked_at=None,
                 invalidity=None, registered=True):
        self.label, self.cert, self.path = label, cert, path
        self.serial = cert.serial_number
        self.status = status          # "good", "revoked" or "unknown" (recorded status)
        self.reason = reason          # cryptography ReasonFlags or None (unspecified)
        self.revoked_at = revoked_at
        self.invalidity = invalidity
        self.registered = registered


class Ca:
    """A CA, its OCSP signer and leaves, with index.txt lines for the registered ones."""

    def __init__(self, name, directory, kind, serial_base, delegated, parent=None):
        """`parent`: the Ca that issues this one's certificate (an intermediate); else a root."""
        self.name, self.dir, self.kind = name, directory, kind
        os.makedirs(directory, exist_ok=True)
        t = now()
        self.key = self._new_key()
        self.not_before = t - dt.timedelta(days=3650)
        subject = _name(f"Tanda Test {name} CA")
        if parent is None:
            self.cert = issue(subject, self.key.public_key(), subject, self.key, serial_base,
                              self.not_before, t + dt.timedelta(days=3650), ca=True)
        else:
            self.cert = issue(subject, self.key.public_key(), parent.cert.subject, parent.key,
                              serial_base, self.not_before, t + dt.timedelta(days=3650), ca=True,
                              aki_from=parent.key.public_key())
        self.parent = parent
        self.cert_path = os.path.join(directory, "ca.pem")
        _write_pem(self.cert_path, self.cert)
        self.key_path = os.path.join(directory, "ca.key")
        _write_key(self.key_path, self.key)
        if delegated:
            self.signer_key = self._new_key()
            self.signer = issue(_name(f"Tanda Test {name} OCSP Signer"),
                                self.signer_key.public_key(), subject, self.key, serial_base + 1,
                                t - dt.timedelta(days=1), t + dt.timedelta(days=365),
                                eku=[ExtendedKeyUsageOID.OCSP_SIGNING],
                                aki_from=self.key.public_key())
            self.signer_path = os.path.join(directory, "ocsp.pem")
            _write_pem(self.signer_path, self.signer)
            self.signer_key_path = os.path.join(directory, "ocsp.key")
            _write_key(self.signer_key_path, self.signer_key)
        else:
            self.signer, self.signer_key = self.cert, self.key
            self.signer_path, self.signer_key_path = self.cert_path, self.key_path
        self.delegated = delegated
        self.leaf_key = self._new_key()  # one key for all leaves: only serials matter here
        self.leaves = {}
        self.index_lines = []
        self._next_serial = serial_base + 0x10
        self._add_leaves(t)
        self.index_path = os.path.join(directory, "index.txt")
        with open(self.index_path, "w") as f:
            f.write("".join(self.index_lines))

    def _new_key(self):
        if self.kind == "ecdsa":
            return ec.generate_private_key(ec.SECP256R1())
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def new_leaf_cert(self, cn, serial, not_before, not_after, issuer_key=None, issuer_name=None):
        return issue(_name(cn), self.leaf_key.public_key(), issuer_name or self.cert.subject,
                     issuer_key or self.key, serial, not_before, not_after,
                     aki_from=(issuer_key or self.key).public_key())

    def add_leaf(self, label, status="good", reason_field="", expired=False, index_status=None,
                 registered=True):
        t = now()
        serial = self._next_serial
        self._next_serial += 1
        if expired:
            nb, na = t - dt.timedelta(days=400), t - dt.timedelta(days=30)
        else:
            nb, na = t - dt.timedelta(days=1), t + dt.timedelta(days=365)
        cert = self.new_leaf_cert(f"{self.name} {label}", serial, nb, na)
        path = os.path.join(self.dir, f"{label}.pem")
        _write_pem(path, cert)
        reason = revoked_at = invalidity = None
        if status == "revoked":
            revoked_at = REVOKED_AT
            parts = reason_field.split(",") if reason_field else []
            if parts and parts[0] == "keyTime":
                reason, invalidity = x509.ReasonFlags.key_compromise, INVALIDITY_AT
            elif parts:
                reason = REASONS[parts[0]]
        leaf = Leaf(label, cert, path, status if registered else "unknown", reason, revoked_at,
                    invalidity, registered)
        self.leaves[label] = leaf
        if registered:
            code = index_status or ("R" if status == "revoked" else "V")
            rev = ""
            if status == "revoked":
                rev = asn1_time(REVOKED_AT) + ("," + reason_field if reason_field else "")
            self.index_lines.append(
                f"{code}\t{asn1_time(na)}\t{rev}\t{serial:X}\tunknown\t"
                f"/C=ID/O=Tanda Integration/CN={self.name} {label}\n")
        return leaf

    def _add_leaves(self, t):
        self.add_leaf("good")
        self.add_leaf("revoked", "revoked", "keyCompromise")
        for name in REASONS:
            if name != "keyCompromise":
                self.add_leaf(f"revoked-{name}", "revoked", name)
        self.add_leaf("hold", "revoked", "certificateHold")
        self.add_leaf("revoked-unspecified", "revoked", "")
        self.add_leaf("revoked-keytime", "revoked", "keyTime," + asn1_time(INVALIDITY_AT))
        self.add_leaf("expired", expired=True, index_status="E")
        self.add_leaf("expired-v", expired=True, index_status="V")
        self.add_leaf("expired-revoked", "revoked", "superseded", expired=True)
        self.add_leaf("unknown", registered=False)


class Pki:
    """Both served CAs plus one CA that is never served; with `intermediate`, a third served
    CA "sub" whose certificate rsa issued."""

    def __init__(self, directory, intermediate=False):
        self.dir = directory
        self.ecdsa = Ca("ecdsa", os.path.join(directory, "ecdsa"), "ecdsa", 0x1000, True)
        self.rsa = Ca("rsa", os.path.join(directory, "rsa"), "rsa", 0x2000, False)
        self.other = Ca("other", os.path.join(directory, "other"), "ecdsa", 0x3000, False)
        self.cas = {"ecdsa": self.ecdsa, "rsa": self.rsa}
        if intermediate:
            self.sub = Ca("sub", os.path.join(directory, "sub"), "ecdsa", 0x4000, True,
                          parent=self.rsa)
            self.cas["sub"] = self.sub


# ---------------------------------------------------------------------------------------------
# Config


def _yaml_scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    s = str(v)
    if s == "" or re.search(r"[:#\[\]{},&*!|>'\"%@`]|^\s|\s$", s):
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return s


def to_yaml(value, indent=0):
    pad = " " * indent
    out = []
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, (dict, list)) and v:
                out.append(f"{pad}{k}:\n{to_yaml(v, indent + 2)}")
            else:
                out.append(f"{pad}{k}: {_yaml_scalar(v)}\n")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                body = to_yaml(item, indent + 2)
                out.append(f"{pad}- {body[indent + 2:]}")
            else:
                out.append(f"{pad}- {_yaml_scalar(item)}\n")
    return "".join(out)


def merge(base, override):
    out = dict(base)
    for k, v in (override or {}).items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge(out[k], v)
        else:
            out[k] = v
    return out


def make_config(pki, storage_dir, listen=None, ca_options=None, extra=None):
    """The config dict: listen on 127.0.0.1:0, both CAs; overrides per section / CA name;
    `extra` adds top-level sections (e.g. admin)."""
    ca_options = ca_options or {}
    cas = []
    for name, ca in pki.cas.items():
        entry = {"name": name, "issuer_certificate": ca.cert_path}
        if ca.delegated:
            entry["signer_certificate"] = ca.signer_path
        entry["signer_key"] = ca.signer_key_path
        entry["response_validity"] = "1d"
        entry["backdate"] = "5m"
        # One approval, as an RA that approved upstream: the suites written before dual
        # control apply revocations directly. test_dual_control sets approvals: 2.
        entry["approvals"] = 1
        cas.append(merge(entry, ca_options.get(name)))
    return {
        "listen": merge({"address": "127.0.0.1", "port": 0, "threads": 2}, listen),
        "storage": {"path": storage_dir, "map_size": "64MiB"},
        "cas": cas,
        # A free port, so that suites can run side by side (the default is 9102).
        "metrics": {"listen": {"port": 0}},
        **(extra or {}),
    }


# ---------------------------------------------------------------------------------------------
# Prometheus metrics

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text):
    """{(name, frozenset of (label, value)): float} of every sample line."""
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, f"not a sample line: {line!r}"
        labels = frozenset(LABEL.findall(m.group(2) or ""))
        samples[(m.group(1), labels)] = float(m.group(3))
    return samples


def metric_value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0.0)


def scrape_metrics(server):
    """The text of GET /metrics on the server's metrics listener."""
    with urllib.request.urlopen(f"http://127.0.0.1:{server.metrics_port}/metrics",
                                timeout=10) as r:
        assert r.status == 200
        assert r.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
        return r.read().decode()


def run_tanda(*args, timeout=60, **kw):
    return subprocess.run([tanda_bin(), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=timeout, **kw)


# ---------------------------------------------------------------------------------------------
# Server


class Server:
    """`tanda serve --config F` (or any tanda command that listens) as a child process."""

    def __init__(self, args, workdir, name="serve", preexec_fn=None, binary=None, env=None):
        """`binary` instead of TANDA_BIN, `env` instead of this process's environment."""
        self.args, self.workdir, self.preexec_fn = args, workdir, preexec_fn
        self.binary, self.env = binary, env
        self.stderr_path = os.path.join(workdir, f"{name}.stderr")
        self.stdout_path = os.path.join(workdir, f"{name}.stdout")
        self.proc = None
        self.port = None
        self.admin_port = None  # set when the config has an admin listener
        self.metrics_port = None  # set when the metrics listener is enabled

    def start(self, timeout=20):
        if os.path.exists(self.stderr_path):  # a restart: keep the earlier run's log
            runs = len([n for n in os.listdir(self.workdir) if n.startswith(
                os.path.basename(self.stderr_path))])
            os.replace(self.stderr_path, f"{self.stderr_path}.{runs}")
        self._err = open(self.stderr_path, "wb")
        self._out = open(self.stdout_path, "wb")
        self.proc = subprocess.Popen([self.binary or tanda_bin(), *self.args],
                                     stdin=subprocess.DEVNULL, stdout=self._out,
                                     stderr=self._err, cwd=self.workdir,
                                     preexec_fn=self.preexec_fn, env=self.env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = re.search(r"msg=listening\b.*?\bport=\"?(\d+)", self.stderr())
            if m:
                self.port = int(m.group(1))
                # The admin listener, if any, is bound and logged before msg=listening.
                a = re.search(r'msg="admin listening".*?\bport=(\d+)', self.stderr())
                self.admin_port = int(a.group(1)) if a else None
                m = re.search(r'msg="metrics listening".*?\bport=(\d+)', self.stderr())
                self.metrics_port = int(m.group(1)) if m else None
                return self.port
            if self.proc.poll() is not None:
                raise AssertionError(f"tanda exited with {self.proc.returncode} before listening:"
                                     f"\n{self.stderr()}")
            time.sleep(0.05)
        self.stop()
        raise AssertionError(f"no msg=listening within {timeout}s:\n{self.stderr()}")

    def stderr(self):
        with open(self.stderr_path, "r", errors="replace") as f:
            return f.read()

    def stdout(self):
        with open(self.stdout_path, "r", errors="replace") as f:
            return f.read()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def stop(self, timeout=10):
        """SIGTERM, then SIGKILL after timeout; returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for f in (self._err, self._out):
            f.close()
        return self.proc.returncode


class Fixture:
    """A temp dir with the PKI, a config, the imports done, and optionally a running server."""

    def __init__(self, listen=None, ca_options=None, import_cas=True, extra=None,
                 intermediate=False):
        """`extra(fixture)` may return top-level config sections, after the PKI exists."""
        self.tmp = tempfile.mkdtemp(prefix="tanda-it-")
        try:
            self.pki = Pki(os.path.join(self.tmp, "pki"), intermediate)
            self.config_path = os.path.join(self.tmp, "tanda.yaml")
            self.extra = extra(self) if extra else None
            self.write_config(listen, ca_options)
            if import_cas:
                for name, ca in self.pki.cas.items():
                    r = run_tanda("import", "--config", self.config_path, "--ca", name,
                                  "--index", ca.index_path)
                    if r.returncode != 0:
                        raise AssertionError(f"tanda import {name} failed ({r.returncode}):\n"
                                             f"{r.stdout}{r.stderr}")
        except BaseException:
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise
        self.server = None

    def write_config(self, listen=None, ca_options=None):
        self.config = make_config(self.pki, os.path.join(self.tmp, "data"), listen, ca_options,
                                  self.extra)
        with open(self.config_path, "w") as f:
            f.write(to_yaml(self.config))

    def serve(self, env=None):
        self.server = Server(["serve", "--config", self.config_path], self.tmp, env=env)
        self.server.start()
        return self.server

    def close(self):
        try:
            if self.server:
                self.server.stop()
        finally:
            # TANDA_IT_KEEP=1 keeps the servers' logs and data for a post-mortem.
            if os.environ.get("TANDA_IT_KEEP") == "1":
                print(f"kept {self.tmp}", file=sys.stderr)
            else:
                shutil.rmtree(self.tmp, ignore_errors=True)


class ResponderTestCase(unittest.TestCase):
    """One served fixture per test class; knobs as class attributes.

    LISTEN = {"path_prefix": "/ocsp"}
    CA_OPTIONS = {"ecdsa": {"nonce": {"policy": "require"}}}
    """

    LISTEN = None
    CA_OPTIONS = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fx = Fixture(cls.LISTEN, cls.CA_OPTIONS)
        cls.addClassCleanup(cls.fx.close)
        cls.server = cls.fx.serve()
        cls.pki = cls.fx.pki
        cls.url = cls.server.url
        cls.port = cls.server.port

    # -- HTTP helpers -------------------------------------------------------------------------

    def http(self, method, path, body=None, headers=None, timeout=10):
        """Returns (status, headers, body) without raising on HTTP errors."""
        req = urllib.request.Request(self.url + path, data=body, method=method,
                                     headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def post(self, der, path="/", content_type="application/ocsp-request"):
        return self.http("POST", path, der, {"Content-Type": content_type})

    def get(self, der, prefix="/"):
        return self.http("GET", prefix + base64.b64encode(der).decode())

    def ocsp_post(self, der, path="/"):
        status, headers, body = self.post(der, path)
        self.assertEqual(status, 200, body)
        self.assertEqual(headers.get("Content-Type"), "application/ocsp-response")
        return ocsp.load_der_ocsp_response(body)

    def ocsp_get(self, path):
        status, headers, body = self.http("GET", path)
        self.assertEqual(status, 200, body)
        self.assertEqual(headers.get("Content-Type"), "application/ocsp-response")
        return ocsp.load_der_ocsp_response(body)

    def query(self, ca, serial, alg="sha1", nonce=None):
        return self.ocsp_post(single_request(ca.cert, serial, alg, nonce))

    def assert_still_serving(self, ca=None):
        """A normal query after a bad one must still answer good."""
        ca = ca or self.pki.ecdsa
        resp = self.query(ca, ca.leaves["good"].serial, nonce=os.urandom(16))
        self.assertEqual(resp.response_status, ocsp.OCSPResponseStatus.SUCCESSFUL)
        self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.GOOD)

    def assert_error_status(self, body, status):
        resp = ocsp.load_der_ocsp_response(body)
        self.assertEqual(resp.response_status, status)


def verify_signature(resp, public_key):
    """Raises InvalidSignature unless resp's BasicOCSPResponse signature verifies."""
    h = resp.signature_hash_algorithm
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        public_key.verify(resp.signature, resp.tbs_response_bytes, ec.ECDSA(h))
    elif isinstance(public_key, rsa.RSAPublicKey):
        public_key.verify(resp.signature, resp.tbs_response_bytes, padding.PKCS1v15(), h)
    else:
        public_key.verify(resp.signature, resp.tbs_response_bytes)


def free_port():
    """Only for negative tests needing a closed port; servers themselves use port 0."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def openssl(*args, timeout=30, **kw):
    return subprocess.run(["openssl", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=timeout, **kw)
