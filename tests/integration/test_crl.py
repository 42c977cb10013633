"""CRL publishing: content checked with openssl, GnuTLS certtool and python cryptography;
HTTP serving; numbering across regenerations and restarts; delta CRLs after revoke, hold and
release through the admin API; debounce; changes made by another process (tanda import)."""

import datetime as dt
import os
import re
import subprocess
import time
import unittest
import urllib.error
import urllib.request

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtensionOID

import harness
from harness import REVOKED_AT, INVALIDITY_AT, Fixture, openssl, run_tanda
from test_admin import AdminPki

UTC = dt.timezone.utc


def fetch(server, name, method="GET", headers=None):
    """(status, headers, body) of /crl/<name>, without raising on HTTP errors."""
    req = urllib.request.Request(f"{server.url}/crl/{name}", method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def crl_of(server, name):
    status, _, body = fetch(server, name)
    assert status == 200, (status, body)
    return x509.load_der_x509_crl(body), body


def number_of(crl):
    return crl.extensions.get_extension_for_oid(ExtensionOID.CRL_NUMBER).value.crl_number


def entries_of(crl):
    """{serial: (revocation time, reason or None, invalidity date or None)}"""
    out = {}
    for r in crl:
        reason = inv = None
        for ext in r.extensions:
            if isinstance(ext.value, x509.CRLReason):
                reason = ext.value.reason
            elif isinstance(ext.value, x509.InvalidityDate):
                inv = ext.value.invalidity_date.replace(tzinfo=UTC)
        out[r.serial_number] = (r.revocation_date.replace(tzinfo=UTC), reason, inv)
    return out


def expected_entries(ca, with_expired=True):
    """What the CRL must list for the leaves imported from index.txt."""
    out = {}
    for leaf in ca.leaves.values():
        if leaf.status != "revoked":
            continue
        if not with_expired and leaf.label.startswith("expired"):
            continue
        out[leaf.serial] = (leaf.revoked_at, leaf.reason, leaf.invalidity)
    return out


def eventually(check, timeout=20):
    """Bounded polling: returns check()'s first truthy value, or its last value at timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def der_file(tmp, name, der, pem=False):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        if pem:
            f.write(x509.load_der_x509_crl(der).public_bytes(serialization.Encoding.PEM))
        else:
            f.write(der)
    return path


class CrlContentTest(unittest.TestCase):
    """Both CAs publish: ecdsa (delegated OCSP signer) with crl.signing_key, rsa by default.
    Every CRL takes the streamed path of CRLs of millions of entries: the entries spill to a
    file every 64 bytes and are signed as they are read back (crl/crl_generator.hpp)."""

    @classmethod
    def setUpClass(cls):
        cls.fx = Fixture()
        cls.addClassCleanup(cls.fx.close)
        cls.pki = cls.fx.pki
        cls.fx.write_config(ca_options={"ecdsa": {"crl": {"signing_key": cls.pki.ecdsa.key_path,
                                                          "keep_expired": True}}})
        cls.server = cls.fx.serve(env={**os.environ, "TANDA_TEST_CRL_SPILL_BYTES": "64"})

    def test_openssl_crl_verify_and_exact_entries(self):
        for name, ca in self.pki.cas.items():
            _, der = crl_of(self.server, f"{name}.crl")
            path = der_file(self.fx.tmp, f"{name}.crl", der)
            r = openssl("crl", "-inform", "DER", "-in", path, "-CAfile", ca.cert_path, "-noout",
                        "-verify", "-text")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("verify OK", r.stderr)
            listed = {int(s, 16) for s in re.findall(r"Serial Number: ([0-9A-F]+)", r.stdout)}
            self.assertEqual(listed, set(expected_entries(ca)), r.stdout)
            self.assertIn("Version 2", r.stdout)
            self.assertIn("X509v3 CRL Number", r.stdout)
            self.assertIn("X509v3 Authority Key Identifier", r.stdout)
            # reasonCode is omitted for unspecified: one entry fewer than revoked leaves
            self.assertEqual(r.stdout.count("X509v3 CRL Reason Code"),
                             sum(1 for v in expected_entries(ca).values() if v[1]))

    def test_python_cryptography_signature_entries_number_extensions(self):
        for name, ca in self.pki.cas.items():
            crl, _ = crl_of(self.server, f"{name}.crl")
            self.assertTrue(crl.is_signature_valid(ca.cert.public_key()))
            self.assertEqual(crl.issuer, ca.cert.subject)
            self.assertEqual(entries_of(crl), expected_entries(ca))
            self.assertGreaterEqual(number_of(crl), 1)
            aki = crl.extensions.get_extension_for_oid(ExtensionOID.AUTHORITY_KEY_IDENTIFIER)
            ski = ca.cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
            self.assertEqual(aki.value.key_identifier, ski.value.digest)
            self.assertFalse(aki.critical)
            oids = {e.oid for e in crl.extensions}
            self.assertNotIn(ExtensionOID.DELTA_CRL_INDICATOR, oids)
            self.assertNotIn(ExtensionOID.FRESHEST_CRL, oids)
            now = dt.datetime.now(UTC)
            self.assertLessEqual(crl.last_update.replace(tzinfo=UTC), now)
            self.assertEqual(crl.next_update - crl.last_update, dt.timedelta(days=7))

    def test_openssl_verify_crl_check(self):
        for name, ca in self.pki.cas.items():
            _, der = crl_of(self.server, f"{name}.crl")
            crl_pem = der_file(self.fx.tmp, f"{name}-verify.pem", der, pem=True)
            good = openssl("verify", "-crl_check", "-CAfile", ca.cert_path, "-CRLfile", crl_pem,
                           ca.leaves["good"].path)
            self.assertEqual(good.returncode, 0, good.stdout + good.stderr)
            self.assertIn(": OK", good.stdout)
            revoked = openssl("verify", "-crl_check", "-CAfile", ca.cert_path, "-CRLfile",
                              crl_pem, ca.leaves["revoked"].path)
            self.assertNotEqual(revoked.returncode, 0)
            self.assertIn("certificate revoked", revoked.stdout + revoked.stderr)

    def test_gnutls_certtool_verify_crl(self):
        for name, ca in self.pki.cas.items():
            _, der = crl_of(self.server, f"{name}.crl")
            path = der_file(self.fx.tmp, f"{name}-certtool.pem", der, pem=True)
            r = subprocess.run(["certtool", "--verify-crl", "--load-ca-certificate", ca.cert_path,
                                "--infile", path], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, timeout=30)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("Verified", r.stdout + r.stderr)
            self.assertNotIn("Not verified", r.stdout + r.stderr)

    def test_http_headers_head_and_conditional_requests(self):
        status, headers, body = fetch(self.server, "rsa.crl")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "application/pkix-crl")
        crl = x509.load_der_x509_crl(body)
        last = dt.datetime.strptime(headers["Last-Modified"], "%a, %d %b %Y %H:%M:%S GMT")
        expires = dt.datetime.strptime(headers["Expires"], "%a, %d %b %Y %H:%M:%S GMT")
        self.assertEqual(last, crl.last_update)
        self.assertEqual(expires, crl.next_update)
        max_age = int(re.search(r"max-age=(\d+)", headers["Cache-Control"]).group(1))
        self.assertLessEqual(max_age, 7 * 86400)
        self.assertGreater(max_age, 7 * 86400 - 3600)
        etag = headers["ETag"]
        h_status, h_headers, h_body = fetch(self.server, "rsa.crl", method="HEAD")
        self.assertEqual((h_status, h_body), (200, b""))
        self.assertEqual(int(h_headers["Content-Length"]), len(body))
        self.assertEqual(h_headers["ETag"], etag)
        self.assertEqual(fetch(self.server, "rsa.crl", headers={"If-None-Match": etag})[0], 304)
        self.assertEqual(fetch(self.server, "rsa.crl",
                               headers={"If-Modified-Since": headers["Last-Modified"]})[0], 304)
        self.assertEqual(fetch(self.server, "rsa.crl", headers={"If-None-Match": '"x"'})[0], 200)
        self.assertEqual(fetch(self.server, "nope.crl")[0], 404)
        self.assertEqual(fetch(self.server, "rsa-delta.crl")[0], 404)  # deltas not enabled
        self.assertEqual(fetch(self.server, "other.crl")[0], 404)


class CrlLifecycleTest(unittest.TestCase):
    """A served fixture with the admin API; ecdsa publishes delta CRLs."""

    @classmethod
    def setUpClass(cls):
        holder = {}

        def extra(fx):
            holder["admin"] = AdminPki(os.path.join(fx.tmp, "admin"))
            return holder["admin"].config()

        cls.fx = Fixture(extra=extra)
        cls.addClassCleanup(cls.fx.close)
        cls.admin = holder["admin"]
        cls.pki = cls.fx.pki
        cls.delta_url = "http://crl.test/crl/ecdsa-delta.crl"
        cls.fx.write_config(ca_options={
            "ecdsa": {"crl": {"signing_key": cls.pki.ecdsa.key_path, "debounce": "1s",
                              "delta": {"enabled": True, "url": cls.delta_url}}},
            "rsa": {"allow_single_approver": True, "crl": {"debounce": "3s"}}})
        cls.fx.serve()

    def call(self, method, path, body):
        import http.client
        import json
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(self.admin.path_server_ca)
        ctx.load_cert_chain(*self.admin.pair("operator"))
        conn = http.client.HTTPSConnection("127.0.0.1", self.fx.server.admin_port, context=ctx,
                                           timeout=20)
        conn.request(method, path, body=json.dumps(body),
                     headers={"Content-Type": "application/json"})
        res = conn.getresponse()
        text = res.read()
        conn.close()
        self.assertIn(res.status, (200, 201), text)

    def revoke(self, ca, leaf, request_id, reason):
        self.call("POST", "/v1/revocations", {
            "request_id": request_id, "ca": ca.name, "serial": f"{leaf.serial:X}",
            "reason": reason, "subject_dn": leaf.cert.subject.rfc4514_string(),
            "requested_by": "Budi", "approved_by": "Siti", "evidence_sha256": "ab" * 32,
            "approved_at": harness.now().strftime("%Y-%m-%dT%H:%M:%SZ")})

    def release(self, ca, leaf, request_id):
        self.call("POST", f"/v1/revocations/{ca.name}/{leaf.serial:X}/release",
                  {"request_id": request_id, "requested_by": "Budi", "approved_by": "Siti"})

    def register(self, ca, label):
        leaf = ca.add_leaf(label, registered=False)
        self.call("POST", "/v1/certificates", {"ca": ca.name, "certificates": [
            leaf.cert.public_bytes(serialization.Encoding.PEM).decode()]})
        return leaf

    def published(self, ca_name):
        return len(re.findall(rf'msg="CRL published" ca={ca_name}\b', self.fx.server.stderr()))

    def test_delta_content_after_revoke_hold_release(self):
        ca = self.pki.ecdsa
        full, _ = crl_of(self.fx.server, "ecdsa.crl")
        base = number_of(full)
        fresh = full.extensions.get_extension_for_oid(ExtensionOID.FRESHEST_CRL).value
        self.assertEqual(fresh[0].full_name[0].value, self.delta_url)
        delta0, _ = crl_of(self.fx.server, "ecdsa-delta.crl")
        self.assertEqual(number_of(delta0), base)  # issued with the full CRL: same number
        a, b, c = (self.register(ca, f"delta-{x}") for x in "abc")
        self.revoke(ca, a, "d-a", "keyCompromise")
        self.revoke(ca, b, "d-b", "certificateHold")
        self.revoke(ca, c, "d-c", "certificateHold")
        self.release(ca, c, "d-c-release")
        self.release(ca, ca.leaves["hold"], "d-hold-release")  # on hold in the base CRL
        expected = {a.serial: x509.ReasonFlags.key_compromise,
                    b.serial: x509.ReasonFlags.certificate_hold,
                    c.serial: x509.ReasonFlags.remove_from_crl,
                    ca.leaves["hold"].serial: x509.ReasonFlags.remove_from_crl}

        def delta_now():
            crl, _ = crl_of(self.fx.server, "ecdsa-delta.crl")
            got = {s: v[1] for s, v in entries_of(crl).items()}
            return crl if got == expected else None

        delta = eventually(delta_now)
        self.assertIsNotNone(delta, "the delta CRL never listed exactly the changes")
        self.assertTrue(delta.is_signature_valid(ca.cert.public_key()))
        ind = delta.extensions.get_extension_for_oid(ExtensionOID.DELTA_CRL_INDICATOR)
        self.assertTrue(ind.critical)
        self.assertEqual(ind.value.crl_number, base)
        self.assertGreater(number_of(delta), base)
        self.assertEqual(entries_of(delta)[a.serial][0].date(), dt.datetime.now(UTC).date())
        full_after, _ = crl_of(self.fx.server, "ecdsa.crl")
        self.assertEqual(number_of(full_after), base)  # the full CRL follows its schedule
        # openssl reads the delta too and its signature verifies
        _, der = crl_of(self.fx.server, "ecdsa-delta.crl")
        r = openssl("crl", "-inform", "DER", "-in", der_file(self.fx.tmp, "d.crl", der),
                    "-CAfile", ca.cert_path, "-noout", "-verify", "-text")
        self.assertIn("verify OK", r.stderr)
        self.assertIn("Delta CRL Indicator", r.stdout)
        self.assertIn("Remove From CRL", r.stdout)

    def test_burst_of_changes_gives_one_regeneration(self):
        ca = self.pki.rsa
        logs = self.published("rsa")
        leaves = [ca.add_leaf(f"burst-{i}", registered=False) for i in range(5)]
        self.call("POST", "/v1/certificates", {"ca": ca.name, "certificates": [
            leaf.cert.public_bytes(serialization.Encoding.PEM).decode() for leaf in leaves]})
        # one commit registering five certificates: one regeneration
        self.assertTrue(eventually(lambda: self.published("rsa") == logs + 1))
        before_number = number_of(crl_of(self.fx.server, "rsa.crl")[0])
        for i, leaf in enumerate(leaves):  # five commits, well within the 3 s debounce
            self.revoke(ca, leaf, f"burst-{i}", "superseded")
        serials = {leaf.serial for leaf in leaves}

        def all_listed():
            crl, _ = crl_of(self.fx.server, "rsa.crl")
            return crl if serials <= set(entries_of(crl)) else None

        crl = eventually(all_listed)
        self.assertIsNotNone(crl)
        self.assertEqual(number_of(crl), before_number + 1)
        # The publisher logs once the CRL is in service: the line can trail the bytes served.
        self.assertTrue(eventually(lambda: self.published("rsa") >= logs + 2))
        self.assertEqual(self.published("rsa"), logs + 2)

    def test_numbers_increase_across_generate_and_restart_and_import_is_seen(self):
        ca = self.pki.rsa
        n0 = number_of(crl_of(self.fx.server, "rsa.crl")[0])
        r = run_tanda("crl", "generate", "--config", self.fx.config_path, "--ca", "rsa")
        self.assertEqual(r.returncode, 0, r.stderr)
        m = re.search(r"rsa: CRL number (\d+) written to (\S+)", r.stdout)
        self.assertIsNotNone(m, r.stdout)
        self.assertGreater(int(m.group(1)), n0)
        with open(m.group(2), "rb") as f:
            generated = x509.load_der_x509_crl(f.read())
        self.assertTrue(generated.is_signature_valid(ca.cert.public_key()))
        # expired certificates leave once a CRL was issued after their expiry (keep_expired off)
        self.assertEqual(set(entries_of(generated)) & {ca.leaves["expired-revoked"].serial},
                         set())
        self.fx.server.stop()
        self.fx.serve()
        served = number_of(crl_of(self.fx.server, "rsa.crl")[0])
        self.assertEqual(served, int(m.group(1)))  # served from disk at once
        self.assertIn('msg="serving CRL from disk" ca=rsa', self.fx.server.stderr())
        # another process imports a revocation while the server runs: the journal poll sees it
        late = ca.add_leaf("late", "revoked", "keyCompromise")
        with open(ca.index_path, "w") as f:
            f.write("".join(ca.index_lines))
        r = run_tanda("import", "--config", self.fx.config_path, "--ca", "rsa",
                      "--index", ca.index_path)
        self.assertEqual(r.returncode, 0, r.stderr)
        crl = eventually(lambda: (lambda c: c if late.serial in entries_of(c) else None)(
            crl_of(self.fx.server, "rsa.crl")[0]))
        self.assertIsNotNone(crl)
        self.assertGreater(number_of(crl), served)
        self.assertEqual(entries_of(crl)[late.serial],
                         (REVOKED_AT, x509.ReasonFlags.key_compromise, None))


if __name__ == "__main__":
    unittest.main()
