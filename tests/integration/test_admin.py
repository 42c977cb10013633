"""The admin API over mutual TLS: every success path and refusal, replay, concurrency, OCSP right
after the 201, restart, a SIGHUP reload followed, journal tampering found, and the `tanda admin`
CLI."""

import datetime as dt
import hashlib
import http.client
import json
import os
import re
import signal
import ssl
import subprocess
import threading
import time
import unittest
import urllib.request

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID

import harness
from harness import Fixture, _name, _write_key, _write_pem, issue, now, run_tanda

EVIDENCE = hashlib.sha256(b"signed revocation letter").hexdigest()


def spki_sha256(cert):
    return hashlib.sha256(cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)).hexdigest()


class AdminPki:
    """A server CA with the listener's certificate, a client CA with operators and an auditor,
    and clients the listener must refuse."""

    def __init__(self, directory):
        self.dir = directory
        os.makedirs(directory, exist_ok=True)
        t = now()
        self.server_ca_key = ec.generate_private_key(ec.SECP256R1())
        sca = _name("Admin Server CA")
        self.server_ca = issue(sca, self.server_ca_key.public_key(), sca, self.server_ca_key, 1,
                               t - dt.timedelta(days=1), t + dt.timedelta(days=365), ca=True)
        key = ec.generate_private_key(ec.SECP256R1())
        server = (x509.CertificateBuilder().subject_name(_name("localhost")).issuer_name(sca)
                  .public_key(key.public_key()).serial_number(2)
                  .not_valid_before(t - dt.timedelta(days=1))
                  .not_valid_after(t + dt.timedelta(days=365))
                  .add_extension(x509.SubjectAlternativeName(
                      [x509.DNSName("localhost"),
                       x509.IPAddress(__import__("ipaddress").ip_address("127.0.0.1"))]), False)
                  .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
                  .sign(self.server_ca_key, hashes.SHA256()))
        self.path_server_ca = self._write("server-ca", self.server_ca)
        self.path_server = self._write("server", server, key)
        self.client_ca_key = ec.generate_private_key(ec.SECP256R1())
        cca = _name("Admin Client CA")
        self.client_ca = issue(cca, self.client_ca_key.public_key(), cca, self.client_ca_key, 1,
                               t - dt.timedelta(days=1), t + dt.timedelta(days=365), ca=True)
        self.path_client_ca = self._write("client-ca", self.client_ca)
        self.clients = {}
        for i, name in enumerate(["operator", "operator2", "operator3", "operator4", "auditor",
                                  "nobody", "expired"]):
            expired = name == "expired"
            self.client(name, self.client_ca_key, cca, 10 + i, expired)
        foreign_key = ec.generate_private_key(ec.SECP256R1())
        self.client("foreign", foreign_key, _name("Foreign CA"), 99, False)

    def _write(self, name, cert, key=None):
        path = os.path.join(self.dir, name + ".pem")
        _write_pem(path, cert)
        if key is not None:
            _write_key(os.path.join(self.dir, name + ".key"), key)
        return path

    def client(self, name, ca_key, ca_name, serial, expired):
        t = now()
        key = ec.generate_private_key(ec.SECP256R1())
        nb, na = ((t - dt.timedelta(days=30), t - dt.timedelta(days=1)) if expired
                  else (t - dt.timedelta(days=1), t + dt.timedelta(days=30)))
        cert = issue(_name(f"Admin {name}"), key.public_key(), ca_name, ca_key, serial, nb, na,
                     eku=[ExtendedKeyUsageOID.CLIENT_AUTH], aki_from=ca_key.public_key())
        self._write(name, cert, key)
        self.clients[name] = cert

    def pair(self, name):
        return os.path.join(self.dir, name + ".pem"), os.path.join(self.dir, name + ".key")

    def config(self, rate_limit=None):
        roles = [{"role": "operator", "subject": "CN=Admin operator,O=Tanda Integration,C=ID"},
                 {"role": "operator", "subject": "/C=ID/O=Tanda Integration/CN=Admin operator3"},
                 {"role": "operator", "subject": "CN=Admin operator4,O=Tanda Integration,C=ID"},
                 {"role": "operator", "spki_sha256": spki_sha256(self.clients["operator2"])},
                 {"role": "auditor", "subject": "CN=Admin auditor,O=Tanda Integration,C=ID"},
                 {"role": "auditor", "subject": "CN=Admin expired,O=Tanda Integration,C=ID"}]
        return {"admin": {"listen": {"address": "127.0.0.1", "port": 0},
                          "server_certificate": self.path_server,
                          "server_key": os.path.join(self.dir, "server.key"),
                          "client_ca": self.path_client_ca,
                          "handshake_timeout": "5s",
                          "roles": roles,
                          "rate_limit": rate_limit or {"max_failures": 1000}}}


def admin_call(admin, port, method, path, body=None, client="operator", raw=None, timeout=20):
    """(status, JSON or raw body) of one admin API call over mutual TLS as `client`."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(admin.path_server_ca)
    if client:
        ctx.load_cert_chain(*admin.pair(client))
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=timeout)
    data = raw if raw is not None else (json.dumps(body) if body is not None else None)
    headers = {"Content-Type": "application/json"} if data is not None else {}
    conn.request(method, path, body=data, headers=headers)
    res = conn.getresponse()
    text = res.read()
    conn.close()
    try:
        return res.status, json.loads(text)
    except ValueError:
        return res.status, text


class AdminTestCase(unittest.TestCase):
    RATE_LIMIT = None
    CA_OPTIONS = {"rsa": {"allow_single_approver": True, "allow_unregistered": True}}
    INTERMEDIATE = False  # serve harness.Pki's "sub" CA, issued by rsa
    CLI_TIMEOUT = 60  # seconds a `tanda admin` run may take

    @classmethod
    def config_sections(cls, fx, admin):
        """The config's sections besides the CAs, once the PKI exists; suites add theirs."""
        return admin.config(cls.RATE_LIMIT)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        holder = {}

        def extra(fx):
            holder["admin"] = AdminPki(os.path.join(fx.tmp, "admin"))
            return cls.config_sections(fx, holder["admin"])

        cls.fx = Fixture(ca_options=cls.CA_OPTIONS, extra=extra, intermediate=cls.INTERMEDIATE)
        cls.addClassCleanup(cls.fx.close)
        cls.admin = holder["admin"]
        cls.pki = cls.fx.pki
        cls.fx.serve()

    # -- clients ----------------------------------------------------------------------------

    def call(self, method, path, body=None, client="operator", raw=None):
        return admin_call(self.admin, self.fx.server.admin_port, method, path, body, client, raw)

    def cli(self, *args, client="operator"):
        """`tanda admin ARGS` against this server as `client`."""
        cert, key = self.admin.pair(client)
        return run_tanda("admin", *args, "--url", f"https://127.0.0.1:{self.fx.server.admin_port}",
                         "--cert", cert, "--key", key, "--cacert", self.admin.path_server_ca,
                         timeout=self.CLI_TIMEOUT)

    def revocation(self, leaf, request_id, ca="ecdsa", **over):
        body = {"request_id": request_id, "ca": ca, "serial": f"{leaf.serial:X}",
                "reason": "keyCompromise",
                "subject_dn": leaf.cert.subject.rfc4514_string(),
                "requested_by": "Budi (holder)", "approved_by": "Siti (supervisor)",
                "approved_at": now().strftime("%Y-%m-%dT%H:%M:%SZ"),
                "evidence_sha256": EVIDENCE}
        body.update(over)
        return {k: v for k, v in body.items() if v is not None}

    def ocsp_status(self, ca, serial):
        import urllib.request
        req = urllib.request.Request(self.fx.server.url + "/",
                                     data=harness.single_request(ca.cert, serial),
                                     headers={"Content-Type": "application/ocsp-request"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return ocsp.load_der_ocsp_response(r.read())

    def journal_count(self):
        """Journal entries written by requests: the stage entries the CRL publisher
        (crl_published) and the webhook sender (notified) append come on their own schedule."""
        status, body = self.call("GET", "/v1/journal?since=1&limit=1000", client="auditor")
        self.assertEqual(status, 200, body)
        return len([e for e in body["entries"] if e["kind"] not in ("crl_published", "notified")])

    def served_crl(self, ca):
        with urllib.request.urlopen(f"{self.fx.server.url}/crl/{ca}.crl", timeout=10) as r:
            crl = x509.load_der_x509_crl(r.read())
        return crl, crl.extensions.get_extension_for_oid(ExtensionOID.CRL_NUMBER).value.crl_number

    def new_leaf(self, label, ca=None, register=True):
        ca = ca or self.pki.ecdsa
        leaf = ca.add_leaf(label, registered=False)
        if register:
            status, body = self.call("POST", "/v1/certificates",
                                     {"ca": ca.name, "certificates": [
                                         leaf.cert.public_bytes(serialization.Encoding.PEM).decode()]})
            self.assertEqual(status, 200, body)
        return leaf


class AdminApiTest(AdminTestCase):

    def test_revoke_then_ocsp_revoked_at_once(self):
        leaf = self.new_leaf("api-revoke")
        before = now()
        status, body = self.call("POST", "/v1/revocations", self.revocation(leaf, "r-revoke"))
        self.assertEqual(status, 201, body)
        self.assertEqual(body["status"], "revoked")
        self.assertEqual(body["reason"], "keyCompromise")
        resp = self.ocsp_status(self.pki.ecdsa, leaf.serial)  # right after the 201
        self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.REVOKED)
        self.assertEqual(resp.revocation_reason, x509.ReasonFlags.key_compromise)
        revoked = resp.revocation_time.replace(tzinfo=dt.timezone.utc)
        self.assertLessEqual(abs((revoked - before).total_seconds()), 5)
        self.assertEqual(body["revoked_at"], revoked.strftime("%Y-%m-%dT%H:%M:%SZ"))

    def test_replay_same_and_different_body(self):
        leaf = self.new_leaf("api-replay")
        req = self.revocation(leaf, "r-replay")
        status, first = self.call("POST", "/v1/revocations", req)
        self.assertEqual(status, 201, first)
        count = self.journal_count()
        status, again = self.call("POST", "/v1/revocations", req)
        self.assertEqual(status, 201, again)
        self.assertEqual(again, first)
        status, err = self.call("POST", "/v1/revocations", dict(req, reason="superseded"))
        self.assertEqual(status, 409, err)
        self.assertEqual(err["error"]["field"], "request_id")
        self.assertEqual(self.journal_count(), count)

    def test_refusals_of_the_revocation_process(self):
        leaf = self.new_leaf("api-refuse")
        cases = [
            (dict(approved_by="Budi (holder)"), 400, "approved_by"),
            (dict(subject_dn="CN=Someone Else,O=Tanda Integration,C=ID"), 409, "subject_dn"),
            (dict(serial="ABCDEF99"), 404, "serial"),
            (dict(ca="nope"), 404, "ca"),
            (dict(revoked_at="2999-01-01T00:00:00Z"), 400, "revoked_at"),
        ]
        for i, (over, code, field) in enumerate(cases):
            with self.subTest(field=field):
                status, body = self.call("POST", "/v1/revocations",
                                         self.revocation(leaf, f"r-refuse-{i}", **over))
                self.assertEqual(status, code, body)
                self.assertEqual(body["error"]["field"], field)
        self.assertEqual(self.ocsp_status(self.pki.ecdsa, leaf.serial).certificate_status,
                         ocsp.OCSPCertStatus.GOOD)
        # The DN as OpenSSL prints it is the same name.
        slash = "/C=ID/O=Tanda Integration/CN=ecdsa api-refuse"
        status, body = self.call("POST", "/v1/revocations",
                                 self.revocation(leaf, "r-refuse-ok", subject_dn=slash))
        self.assertEqual(status, 201, body)
        status, body = self.call("POST", "/v1/revocations",
                                 self.revocation(leaf, "r-refuse-again", reason="superseded"))
        self.assertEqual(status, 409, body)
        self.assertEqual(body["error"]["field"], "serial")

    def test_ca_policy_single_approver_and_unregistered(self):
        leaf = self.new_leaf("api-policy", ca=self.pki.rsa, register=False)
        req = self.revocation(leaf, "r-policy", ca="rsa", approved_by="Budi (holder)")
        status, body = self.call("POST", "/v1/revocations", req)
        self.assertEqual(status, 201, body)
        self.assertEqual(self.ocsp_status(self.pki.rsa, leaf.serial).certificate_status,
                         ocsp.OCSPCertStatus.REVOKED)

    def test_request_reports_the_published_crl(self):
        # rsa signs its own OCSP answers, so it publishes CRLs (debounce 2 s, no delta).
        leaf = self.new_leaf("api-crl", ca=self.pki.rsa)
        status, body = self.call("POST", "/v1/revocations",
                                 self.revocation(leaf, "r-crl", ca="rsa"))
        self.assertEqual(status, 201, body)
        deadline = time.monotonic() + 20
        while True:
            status, st = self.call("GET", "/v1/requests/r-crl", client="auditor")
            self.assertEqual(status, 200, st)
            self.assertTrue(st["crl_publisher"])
            if st["published_in_crl"] is not None or time.monotonic() > deadline:
                break
            self.assertEqual(st["status"], "applied")
            time.sleep(0.25)
        self.assertIsNotNone(st["published_in_crl"], st)
        self.assertEqual(st["status"], "success")
        published = st["published_in_crl"]
        self.assertGreaterEqual(published["crl_number"], 1)
        self.assertRegex(published["published_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        crl, number = self.served_crl("rsa")
        self.assertGreaterEqual(number, published["crl_number"])
        self.assertIsNotNone(crl.get_revoked_certificate_by_serial_number(leaf.serial))

    def test_generate_crl_now(self):
        _, before = self.served_crl("rsa")
        # A debounced regeneration may land between the answer and the fetch; never twice.
        for _ in range(3):
            status, body = self.call("POST", "/v1/crls/rsa/generate")
            self.assertEqual(status, 201, body)
            self.assertEqual(body["ca"], "rsa")
            self.assertGreater(body["crl_number"], before)
            self.assertIsNone(body["delta"])
            self.assertLess(body["this_update"], body["next_update"])
            crl, served = self.served_crl("rsa")
            before = body["crl_number"]
            if served == body["crl_number"]:
                break
        self.assertEqual(served, body["crl_number"])
        last_update = getattr(crl, "last_update_utc", None) or crl.last_update
        self.assertEqual(last_update.strftime("%Y-%m-%dT%H:%M:%SZ"), body["this_update"])
        self.assertTrue(crl.is_signature_valid(self.pki.rsa.cert.public_key()))

    def test_generate_crl_refusals(self):
        status, body = self.call("POST", "/v1/crls/rsa/generate", client="auditor")
        self.assertEqual(status, 403, body)
        self.assertEqual(body["error"]["code"], "forbidden")
        status, body = self.call("POST", "/v1/crls/nope/generate")
        self.assertEqual(status, 404, body)
        self.assertEqual(body["error"]["field"], "ca")
        # ecdsa has a delegated OCSP signer and no crl.signing_key: it publishes no CRLs.
        status, body = self.call("POST", "/v1/crls/ecdsa/generate")
        self.assertEqual(status, 404, body)
        self.assertIn("does not publish CRLs", body["error"]["message"])
        status, _ = self.call("GET", "/v1/crls/rsa/generate")
        self.assertEqual(status, 405)

    def test_hold_release_and_hold_to_final(self):
        leaf = self.new_leaf("api-hold")
        status, body = self.call("POST", "/v1/revocations",
                                 self.revocation(leaf, "r-hold", reason="certificateHold"))
        self.assertEqual(status, 201, body)
        self.assertEqual(body["status"], "on_hold")
        path = f"/v1/revocations/ecdsa/{leaf.serial:X}/release"
        rel = {"request_id": "r-release", "requested_by": "Budi", "approved_by": "Siti"}
        status, body = self.call("POST", path, rel)
        self.assertEqual(status, 200, body)
        self.assertEqual(body["status"], "good")
        self.assertEqual(self.ocsp_status(self.pki.ecdsa, leaf.serial).certificate_status,
                         ocsp.OCSPCertStatus.GOOD)
        status, body = self.call("POST", path, dict(rel, request_id="r-release-2"))
        self.assertEqual(status, 409, body)
        status, body = self.call("POST", "/v1/revocations",
                                 self.revocation(leaf, "r-hold-2", reason="certificateHold"))
        self.assertEqual(status, 201, body)
        status, body = self.call("POST", "/v1/revocations",
                                 self.revocation(leaf, "r-final", reason="cessationOfOperation"))
        self.assertEqual(status, 201, body)
        resp = self.ocsp_status(self.pki.ecdsa, leaf.serial)
        self.assertEqual(resp.revocation_reason, x509.ReasonFlags.cessation_of_operation)

    def test_register_show_request_journal_verify(self):
        leaf = self.new_leaf("api-register", register=False)
        self.assertEqual(self.ocsp_status(self.pki.ecdsa, leaf.serial).certificate_status,
                         ocsp.OCSPCertStatus.UNKNOWN)
        der = __import__("base64").b64encode(
            leaf.cert.public_bytes(serialization.Encoding.DER)).decode()
        status, body = self.call("POST", "/v1/certificates", {"ca": "ecdsa", "certificates": [der]})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["registered"], 1)
        self.assertEqual(self.ocsp_status(self.pki.ecdsa, leaf.serial).certificate_status,
                         ocsp.OCSPCertStatus.GOOD)
        status, body = self.call("POST", "/v1/certificates", {"ca": "rsa", "certificates": [der]})
        self.assertEqual(status, 400, body)
        self.assertEqual(body["error"]["field"], "certificates[0]")
        status, body = self.call("GET", f"/v1/certificates/ecdsa/{leaf.serial:X}", client="auditor")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["status"], "good")
        self.assertEqual(body["subject_dn"], leaf.cert.subject.rfc4514_string())
        self.assertIsNotNone(body["not_after"])
        status, body = self.call("POST", "/v1/revocations", self.revocation(leaf, "r-status"))
        self.assertEqual(status, 201, body)
        status, st = self.call("GET", "/v1/requests/r-status", client="auditor")
        self.assertEqual(status, 200, st)
        self.assertEqual(st["kind"], "revoke")
        self.assertIsNotNone(st["received_at"])
        self.assertIsNotNone(st["visible_in_ocsp_at"])
        self.assertIn("published_in_crl", st)
        self.assertFalse(st["crl_publisher"])  # ecdsa publishes no CRLs here
        self.assertEqual(st["status"], "success" if st["published_in_crl"] else "applied")
        status, _ = self.call("GET", "/v1/requests/never-sent", client="auditor")
        self.assertEqual(status, 404)
        status, j = self.call("GET", f"/v1/journal?since={st['seq']}&limit=1", client="auditor")
        self.assertEqual(status, 200, j)
        entry = j["entries"][0]
        self.assertEqual(entry["request_id"], "r-status")
        self.assertEqual(entry["approved_by"], "Siti (supervisor)")
        self.assertEqual(entry["evidence_sha256"], EVIDENCE)
        self.assertIn("client=CN=Admin operator", entry["source"])
        status, v = self.call("GET", "/v1/journal/verify", client="auditor")
        self.assertEqual((status, v["ok"], v["first_bad_seq"]), (200, True, None))

    def test_bad_input_is_400_naming_the_field_and_writes_nothing(self):
        leaf = self.new_leaf("api-bad")
        good = self.revocation(leaf, "r-bad")
        count = self.journal_count()
        cases = [
            ("{not json", "body"),
            (json.dumps(dict(good, serial=4096)), "serial"),
            (json.dumps(dict(good, colour="red")), "colour"),
            (json.dumps(dict(good, serial="12XY")), "serial"),
            (json.dumps(dict(good, reason="lostTheKey")), "reason"),
            (json.dumps(dict(good, evidence_sha256="abc")), "evidence_sha256"),
            (json.dumps(dict(good, subject_dn="x" * 70000)), "body"),
            (json.dumps({k: v for k, v in good.items() if k != "approved_at"}), "approved_at"),
        ]
        for raw, field in cases:
            with self.subTest(field=field):
                status, body = self.call("POST", "/v1/revocations", raw=raw)
                self.assertEqual(status, 400, body)
                self.assertEqual(body["error"]["field"], field)
        status, body = self.call("GET", "/v1/journal?since=x", client="auditor")
        self.assertEqual((status, body["error"]["field"]), (400, "since"))
        self.assertEqual(self.journal_count(), count)
        self.assertEqual(self.ocsp_status(self.pki.ecdsa, leaf.serial).certificate_status,
                         ocsp.OCSPCertStatus.GOOD)

    def test_authentication_and_roles(self):
        cases = [(None, 401), ("foreign", 401), ("expired", 401), ("nobody", 403)]
        for client, code in cases:
            with self.subTest(client=client):
                status, body = self.call("GET", "/v1/journal/verify", client=client)
                self.assertEqual(status, code, body)
                self.assertEqual(body["error"]["status"], code)
        leaf = self.new_leaf("api-auth")
        status, body = self.call("POST", "/v1/revocations", self.revocation(leaf, "r-auth"),
                                 client="auditor")
        self.assertEqual(status, 403, body)
        status, _ = self.call("GET", "/v1/journal/verify", client="auditor")
        self.assertEqual(status, 200)
        status, body = self.call("GET", "/v1/journal/verify", client="operator2")  # by SPKI
        self.assertEqual(status, 200, body)
        self.assertIn("admin request refused", self.fx.server.stderr())

    def test_admin_requests_and_applied_revocations_are_counted(self):
        before = harness.parse_metrics(harness.scrape_metrics(self.fx.server))
        leaf = self.new_leaf("api-metrics")
        status, body = self.call("POST", "/v1/revocations",
                                 self.revocation(leaf, "r-metrics", reason="CACompromise"))
        self.assertEqual(status, 201, body)
        status, _ = self.call("GET", "/v1/journal/verify", client=None)
        self.assertEqual(status, 401)
        status, _ = self.call("GET", f"/v1/certificates/ecdsa/{leaf.serial:X}", client="auditor")
        self.assertEqual(status, 200)
        after = harness.parse_metrics(harness.scrape_metrics(self.fx.server))

        def delta(name, **labels):
            return (harness.metric_value(after, name, **labels) -
                    harness.metric_value(before, name, **labels))

        name = "tanda_admin_requests_total"
        self.assertEqual(delta(name, route="/v1/certificates", code="200"), 1)
        self.assertEqual(delta(name, route="/v1/revocations", code="201"), 1)
        self.assertEqual(delta(name, route="/v1/journal/verify", code="401"), 1)
        self.assertEqual(delta(name, route="/v1/certificates/*", code="200"), 1)
        self.assertEqual(delta("tanda_revocations_applied_total", ca="ecdsa",
                               reason="cACompromise"), 1)
        self.assertEqual(delta("tanda_journal_sequence"), 2)  # register + revoke
        self.assertIn(("tanda_tls_handshake_failures_total",
                       frozenset({("listener", "admin")})), after)
        self.assertGreaterEqual(
            harness.metric_value(after, "tanda_http_open_connections", listener="admin"), 0)

    def test_tls_1_1_is_refused(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(self.admin.path_server_ca)
        ctx.load_cert_chain(*self.admin.pair("operator"))
        ctx.minimum_version = ssl.TLSVersion.TLSv1
        ctx.maximum_version = ssl.TLSVersion.TLSv1_1
        conn = http.client.HTTPSConnection("127.0.0.1", self.fx.server.admin_port, context=ctx,
                                           timeout=10)
        with self.assertRaises((ssl.SSLError, ConnectionError)):
            conn.request("GET", "/v1/journal/verify")
            conn.getresponse()

    def test_concurrent_revocations_from_several_clients(self):
        leaves = [self.new_leaf(f"api-conc-{i}") for i in range(24)]
        count = self.journal_count()
        results, lock = [], threading.Lock()
        requests = [self.revocation(leaf, f"r-conc-{i}") for i, leaf in enumerate(leaves)]

        def worker(client):
            for i, req in enumerate(requests):
                status, body = self.call("POST", "/v1/revocations", req, client=client)
                with lock:
                    results.append((i, status, body.get("seq") if isinstance(body, dict) else None))

        threads = [threading.Thread(target=worker, args=(c,))
                   for c in ("operator", "operator2", "operator3", "operator4")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertTrue(all(s == 201 for _, s, _ in results), results)
        for i in range(len(leaves)):  # every client got the same seq per request
            self.assertEqual(len({seq for j, _, seq in results if j == i}), 1)
        status, j = self.call("GET", "/v1/journal?since=1&limit=1000", client="auditor")
        ids = [e["request_id"] for e in j["entries"] if e["request_id"].startswith("r-conc-")]
        self.assertEqual(sorted(ids), sorted(f"r-conc-{i}" for i in range(len(leaves))))
        self.assertEqual(self.journal_count(), count + len(leaves))
        seqs = [e["seq"] for e in j["entries"]]
        self.assertEqual(seqs, list(range(1, len(seqs) + 1)))


class AdminRateLimitTest(AdminTestCase):
    RATE_LIMIT = {"max_failures": 3, "window": "60s", "block": "60s"}

    def test_repeated_failures_are_rate_limited(self):
        for _ in range(3):
            status, _ = self.call("GET", "/v1/journal/verify", client="nobody")
            self.assertEqual(status, 403)
        status, body = self.call("GET", "/v1/journal/verify", client="nobody")
        self.assertEqual(status, 429, body)
        self.assertEqual(body["error"]["code"], "too_many_requests")
        self.assertIn("rate limited", self.fx.server.stderr())
        # The block is on that certificate: another one from the same address goes on.
        status, body = self.call("GET", "/v1/journal/verify", client="auditor")
        self.assertEqual(status, 200, body)


class AdminDurabilityTest(AdminTestCase):

    def test_restart_keeps_everything_and_tampering_is_found(self):
        leaf = self.new_leaf("dur-leaf")
        req = self.revocation(leaf, "r-dur")
        status, body = self.call("POST", "/v1/revocations", req)
        self.assertEqual(status, 201, body)
        seq = body["seq"]
        self.fx.server.stop()
        self.fx.serve()
        self.assertEqual(self.ocsp_status(self.pki.ecdsa, leaf.serial).certificate_status,
                         ocsp.OCSPCertStatus.REVOKED)
        status, st = self.call("GET", "/v1/requests/r-dur", client="auditor")
        self.assertEqual((status, st["seq"]), (200, seq))
        status, again = self.call("POST", "/v1/revocations", req)
        self.assertEqual((status, again), (201, body))  # the replay survives the restart too
        status, _ = self.call("POST", "/v1/revocations", dict(req, reason="superseded"))
        self.assertEqual(status, 409)
        status, v = self.call("GET", "/v1/journal/verify", client="auditor")
        self.assertTrue(v["ok"], v)
        # Tamper with the entry directly in LMDB while the server is stopped.
        self.fx.server.stop()
        data = os.path.join(self.fx.tmp, "data")
        dump = subprocess.run(["mdb_dump", "-s", "journal", data], capture_output=True,
                              text=True, check=True).stdout
        lines = dump.splitlines()
        key = f" {seq:016x}"
        i = lines.index(key)
        old = "Siti (supervisor)".encode().hex()
        self.assertIn(old, lines[i + 1])
        new_value = lines[i + 1].replace(old, "Siti (superviser)".encode().hex())
        header = lines[:lines.index("HEADER=END") + 1]
        patch = "\n".join(header + [key, new_value, "DATA=END"]) + "\n"
        subprocess.run(["mdb_load", "-s", "journal", data], input=patch, text=True, check=True)
        self.fx.serve()
        status, v = self.call("GET", "/v1/journal/verify", client="auditor")
        self.assertEqual(status, 200, v)
        self.assertFalse(v["ok"])
        self.assertEqual(v["first_bad_seq"], seq)


class AdminReloadTest(AdminTestCase):
    """The admin API reads the served CAs per request: a SIGHUP reload that adds one and removes
    another is followed without a restart."""

    def test_ca_added_and_removed_by_reload(self):
        other = self.pki.other
        gone = self.new_leaf("reload-gone")
        fresh = other.add_leaf("reload-fresh", registered=False)
        status, err = self.call("POST", "/v1/revocations",
                                self.revocation(fresh, "rl-1", ca="other"))
        self.assertEqual(status, 404, err)
        self.assertEqual(err["error"]["field"], "ca")

        self.pki.cas = {"rsa": self.pki.rsa, "other": other}
        self.fx.write_config(ca_options={"rsa": {"allow_single_approver": True,
                                                 "allow_unregistered": True},
                                         # A CA added by reload has the running API's
                                         # default rules: two approvals.
                                         "other": {"crl": {"enabled": False}, "approvals": 2}})
        self.fx.server.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 20
        while 'msg="config reloaded"' not in self.fx.server.stderr():
            self.assertLess(time.monotonic(), deadline, self.fx.server.stderr())
            time.sleep(0.05)
        self.assertNotIn("setting=admin.cas", self.fx.server.stderr())

        # Registered against the added CA's certificate, revoked, answered by OCSP.
        self.new_leaf("reload-fresh-registered", ca=other)
        leaf = other.leaves["reload-fresh-registered"]
        status, body = self.call("POST", "/v1/revocations",
                                 self.revocation(leaf, "rl-2", ca="other"))
        self.assertEqual(status, 202, body)
        self.assertEqual(body["ca"], "other")
        status, body = self.call("POST", "/v1/requests/rl-2/approve",
                                 {"subject_dn": leaf.cert.subject.rfc4514_string()},
                                 client="operator2")
        self.assertEqual(status, 200, body)
        resp = self.ocsp_status(other, leaf.serial)
        self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.REVOKED)
        # The removed CA is refused as unknown.
        status, err = self.call("POST", "/v1/revocations", self.revocation(gone, "rl-3"))
        self.assertEqual(status, 404, err)
        self.assertEqual(err["error"]["field"], "ca")
        status, err = self.call("GET", f"/v1/certificates/ecdsa/{gone.serial:X}", client="auditor")
        self.assertEqual(status, 404, err)


class AdminCliTest(AdminTestCase):

    def test_every_subcommand(self):
        leaf = self.pki.ecdsa.add_leaf("cli-leaf", registered=False)
        r = self.cli("register", "--ca", "ecdsa", "--certs", leaf.path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"registered": 1', r.stdout)
        r = self.cli("show", "--ca", "ecdsa", "--serial", f"{leaf.serial:X}", client="auditor")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"status": "good"', r.stdout)
        letter = os.path.join(self.fx.tmp, "letter.pdf")
        with open(letter, "wb") as f:
            f.write(b"signed revocation letter")
        revoke = ["revoke", "--request-id", "cli-1", "--ca", "ecdsa", "--serial",
                  f"{leaf.serial:X}", "--reason", "certificateHold", "--subject-dn",
                  leaf.cert.subject.rfc4514_string(), "--requested-by", "Budi",
                  "--approved-by", "Siti", "--approved-at", "2024-03-01T12:00:00Z",
                  "--evidence", letter]
        r = self.cli(*revoke)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"status": "on_hold"', r.stdout)
        self.assertEqual(self.cli(*revoke).returncode, 0)  # replay
        r = self.cli(*revoke, client="auditor")
        self.assertEqual(r.returncode, 1)
        self.assertIn("lacks the role", r.stderr)
        bad = list(revoke)
        bad[bad.index("cli-1")] = "cli-2"
        bad[bad.index("Siti")] = "Budi"
        r = self.cli(*bad)
        self.assertEqual(r.returncode, 1)
        self.assertIn("[field approved_by]", r.stderr)
        r = self.cli("release", "--request-id", "cli-3", "--ca", "ecdsa", "--serial",
                       f"{leaf.serial:X}", "--requested-by", "Budi", "--approved-by", "Siti")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"status": "good"', r.stdout)
        r = self.cli("crl-generate", "--ca", "rsa")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"crl_number"', r.stdout)
        r = self.cli("crl-generate", "--ca", "ecdsa")
        self.assertEqual(r.returncode, 1)
        self.assertIn("does not publish CRLs", r.stderr)
        r = self.cli("crl-generate", "--ca", "rsa", client="auditor")
        self.assertEqual(r.returncode, 1)
        self.assertIn("lacks the role", r.stderr)
        r = self.cli("request", "--request-id", "cli-1", client="auditor")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"kind": "revoke"', r.stdout)
        r = self.cli("journal", "--since", "1", "--limit", "5", client="auditor")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"next_since"', r.stdout)
        r = self.cli("verify", client="auditor")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"ok": true', r.stdout)
        r = self.cli("verify", client="foreign")
        self.assertEqual(r.returncode, 1)
        self.assertIn("did not accept the client certificate", r.stderr)
        r = self.cli("show", "--ca", "ecdsa", "--serial", "ABCDEF01", client="auditor")
        self.assertEqual(r.returncode, 1)
        self.assertIn("not found", r.stderr)
        r = run_tanda("admin", "revoke", "--cert", "x")
        self.assertEqual(r.returncode, 2)


def colon_hex(serial):
    """The serial as `openssl x509 -text` and browsers print it: 7a:10:01."""
    h = f"{serial:x}"
    h = "0" * (len(h) % 2) + h
    return ":".join(h[i:i + 2] for i in range(0, len(h), 2))


class AdminOperatorExperienceTest(AdminTestCase):
    """What operators type and paste (issue 17): retries, the forms of DNs and serials, times,
    connection settings from the environment or a profile, short usage errors."""

    cli = AdminCliTest.cli

    def revoke_args(self, leaf, request_id, *extra):
        letter = os.path.join(self.fx.tmp, "letter-ox.pdf")
        with open(letter, "wb") as f:
            f.write(b"signed revocation letter")
        return ["revoke", "--request-id", request_id, "--ca", "ecdsa", "--serial",
                f"{leaf.serial:X}", "--reason", "superseded", "--subject-dn",
                leaf.cert.subject.rfc4514_string(), "--requested-by", "Budi",
                "--approved-by", "Siti", "--evidence", letter, *extra]

    def openssl_subject(self, leaf):
        out = subprocess.run(["openssl", "x509", "-in", leaf.path, "-noout", "-subject"],
                             stdout=subprocess.PIPE, text=True, check=True).stdout.strip()
        self.assertTrue(out.startswith("subject="), out)
        return out

    def test_the_same_revoke_command_run_again_is_a_replay(self):
        leaf = self.new_leaf("ox-retry")
        r = self.cli(*self.revoke_args(leaf, "ox-retry"))
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("--approved-at is required", r.stderr)
        approved = (now() - dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
        command = self.revoke_args(leaf, "ox-retry", "--approved-at", approved)
        first = self.cli(*command)
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertIn('"status": "revoked"', first.stdout)
        count = self.journal_count()
        time.sleep(1.1)  # a CLI that filled in "now" would send another body here
        again = self.cli(*command)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual(again.stdout, first.stdout)
        self.assertEqual(self.journal_count(), count)

    def test_dn_and_serial_as_operators_paste_them(self):
        leaf = self.new_leaf("ox-paste")
        approved = now().strftime("%Y-%m-%dT%H:%M:%SZ")
        # A wrong DN: 409, and the answer must not hand out the right one to copy.
        args = self.revoke_args(leaf, "ox-paste-1", "--approved-at", approved)
        args[args.index("--subject-dn") + 1] = "C=ID, O=Tanda Integration, CN=Someone Else"
        r = self.cli(*args)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("HTTP 409", r.stderr)
        self.assertIn("[field subject_dn]", r.stderr)
        self.assertNotIn("ox-paste", r.stderr)
        self.assertNotIn("CN=", r.stderr)
        # `openssl x509 -subject` output pasted whole, the serial as `openssl x509 -text`
        # prints it.
        args = self.revoke_args(leaf, "ox-paste-2", "--approved-at", approved)
        args[args.index("--subject-dn") + 1] = self.openssl_subject(leaf)
        args[args.index("--serial") + 1] = colon_hex(leaf.serial)
        r = self.cli(*args)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"status": "revoked"', r.stdout)
        for serial in (colon_hex(leaf.serial).upper(), f"0x{leaf.serial:x}", f"{leaf.serial:x}"):
            with self.subTest(serial=serial):
                r = self.cli("show", "--ca", "ecdsa", "--serial", serial, client="auditor")
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn(f'"serial": "{leaf.serial:X}"', r.stdout)
                self.assertIn('"status": "revoked"', r.stdout)

    def test_openssl_subject_line_and_colon_serial_in_a_revocation(self):
        leaf = self.new_leaf("ox-openssl")
        for i, dn in enumerate([self.openssl_subject(leaf),
                                "C=ID, O=Tanda Integration, CN=ecdsa ox-openssl"]):
            with self.subTest(dn=dn):
                status, body = self.call("POST", "/v1/revocations", self.revocation(
                    leaf, f"ox-openssl-{i}", serial=colon_hex(leaf.serial).upper(),
                    subject_dn=dn, reason="certificateHold"))
                self.assertEqual(status, 201, body)
                self.assertEqual(body["serial"], f"{leaf.serial:X}")
                status, body = self.call(
                    "POST", f"/v1/revocations/ecdsa/0x{leaf.serial:x}/release",
                    {"request_id": f"ox-openssl-rel-{i}", "requested_by": "Budi",
                     "approved_by": "Siti"})
                self.assertEqual(status, 200, body)
                self.assertEqual(body["status"], "good")

    def test_email_and_description_attributes_in_every_spelling(self):
        """A subject with emailAddress and description, registered from its PEM (the record
        holds OpenSSL's RFC 2253 text), matched by the spellings operators copy."""
        from cryptography.x509.oid import NameOID
        ca = self.pki.ecdsa
        subject = x509.Name([
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Tanda Integration"),
            x509.NameAttribute(x509.ObjectIdentifier("2.5.4.13"), "Operator 7"),
            x509.NameAttribute(NameOID.EMAIL_ADDRESS, "budi@tanda.example"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Budi Email")])
        key = ec.generate_private_key(ec.SECP256R1())
        spellings = [
            "C=ID, O=Tanda Integration, OID.2.5.4.13=Operator 7, "
            "EMAILADDRESS=budi@tanda.example, CN=Budi Email",
            "CN=Budi Email,1.2.840.113549.1.9.1=budi@tanda.example,2.5.4.13=operator 7,"
            "O=Tanda Integration,C=ID",
            None]  # openssl x509 -subject of the certificate
        for i, dn in enumerate(spellings):
            with self.subTest(dn=dn):
                cert = issue(subject, key.public_key(), ca.cert.subject, ca.key, 0x7E0000 + i,
                             now() - dt.timedelta(days=1), now() + dt.timedelta(days=30),
                             aki_from=ca.key.public_key())
                pem = cert.public_bytes(serialization.Encoding.PEM).decode()
                status, body = self.call("POST", "/v1/certificates",
                                         {"ca": "ecdsa", "certificates": [pem]})
                self.assertEqual(status, 200, body)
                if dn is None:
                    path = os.path.join(self.fx.tmp, "email-leaf.pem")
                    with open(path, "w") as f:
                        f.write(pem)
                    dn = subprocess.run(["openssl", "x509", "-in", path, "-noout", "-subject"],
                                        stdout=subprocess.PIPE, text=True,
                                        check=True).stdout.strip()
                    self.assertIn("emailAddress = budi@tanda.example", dn)
                leaf = harness.Leaf("email", cert, "", "good")
                status, body = self.call("POST", "/v1/revocations",
                                         self.revocation(leaf, f"ox-email-{i}", subject_dn=dn))
                self.assertEqual(status, 201, body)
                wrong = dn.replace("Operator 7", "Operator 8").replace("operator 7", "x")
                status, body = self.call("POST", "/v1/revocations",
                                         self.revocation(leaf, f"ox-email-w{i}", subject_dn=wrong,
                                                         reason="superseded"))
                self.assertEqual(status, 409, body)
                self.assertEqual(body["error"]["field"], "subject_dn")

    def test_times_outside_what_can_be_true_are_400(self):
        leaf = self.new_leaf("ox-times")
        ca_start = self.pki.ecdsa.not_before
        before = (ca_start - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        future = (now() + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        cases = [(dict(revoked_at=before), "revoked_at", "notBefore"),
                 (dict(invalidity_date=before), "invalidity_date", "notBefore"),
                 (dict(approved_at=future), "approved_at", "in the future"),
                 (dict(revoked_at=future), "revoked_at", "in the future")]
        for i, (over, field, text) in enumerate(cases):
            with self.subTest(field=field):
                status, body = self.call("POST", "/v1/revocations",
                                         self.revocation(leaf, f"ox-times-{i}", **over))
                self.assertEqual(status, 400, body)
                self.assertEqual(body["error"]["field"], field)
                self.assertIn(text, body["error"]["message"])
        self.assertEqual(self.ocsp_status(self.pki.ecdsa, leaf.serial).certificate_status,
                         ocsp.OCSPCertStatus.GOOD)

    def readme_request_fields(self):
        """{route: (required, optional)} from README's "Request fields" table."""
        readme = os.path.join(os.path.dirname(__file__), "..", "..", "README.md")
        with open(readme) as f:
            text = f.read()
        table = text[text.index("Request fields ("):text.index("Rules: `approved_by`")]
        out = {}
        for row in table.splitlines():
            cells = [c.strip() for c in row.strip().strip("|").split("|")]
            if len(cells) != 3 or not cells[0].startswith("`"):
                continue
            names = [re.findall(r"`([a-z_0-9]+)`", re.sub(r"\([^)]*\)", "", c))
                     for c in cells[1:]]
            out[cells[0].strip("`")] = tuple(names)
        return out

    def test_readme_request_fields_table_matches_the_api(self):
        fields = self.readme_request_fields()
        required, optional = fields["POST /v1/revocations"]
        self.assertEqual(set(required) | set(optional),
                         set(self.revocation(self.pki.ecdsa.leaves["good"], "x",
                                             revoked_at="x", invalidity_date="x")))
        leaf = self.new_leaf("ox-readme")
        for name in required:
            with self.subTest(route="revocations", required=name):
                body = self.revocation(leaf, f"ox-readme-{name}")
                del body[name]
                status, answer = self.call("POST", "/v1/revocations", body)
                self.assertEqual(status, 400, answer)
                self.assertEqual(answer["error"]["field"], name)
                self.assertEqual(answer["error"]["message"], "required")
        body = self.revocation(leaf, "ox-readme-min")
        for name in optional:
            body.pop(name, None)
        status, answer = self.call("POST", "/v1/revocations", body)
        self.assertEqual(status, 201, answer)
        self.assertEqual(answer["reason"], "unspecified")
        held = self.new_leaf("ox-readme-held")
        status, answer = self.call("POST", "/v1/revocations", self.revocation(
            held, "ox-readme-hold", reason="certificateHold"))
        self.assertEqual(status, 201, answer)
        required, optional = fields["POST /v1/revocations/{ca}/{serial}/release"]
        full = {"request_id": "ox-readme-rel", "requested_by": "Budi", "approved_by": "Siti",
                "approved_at": now().strftime("%Y-%m-%dT%H:%M:%SZ"),
                "evidence_sha256": EVIDENCE}
        self.assertEqual(set(required) | set(optional), set(full))
        path = f"/v1/revocations/ecdsa/{held.serial:X}/release"
        for name in required:
            with self.subTest(route="release", required=name):
                status, answer = self.call("POST", path,
                                           {k: v for k, v in full.items() if k != name})
                self.assertEqual(status, 400, answer)
                self.assertEqual(answer["error"]["field"], name)
        status, answer = self.call("POST", path, {k: full[k] for k in required})
        self.assertEqual(status, 200, answer)
        required, optional = fields["POST /v1/certificates"]
        self.assertEqual(required, ["ca", "certificates"])
        for name in required:
            with self.subTest(route="certificates", required=name):
                body = {"ca": "ecdsa", "certificates": ["x"]}
                del body[name]
                status, answer = self.call("POST", "/v1/certificates", body)
                self.assertEqual(status, 400, answer)
                self.assertEqual(answer["error"]["field"], name)

    def run_admin(self, *args, env=None, client="auditor"):
        full = dict(os.environ)
        for name in ("TANDA_ADMIN_URL", "TANDA_ADMIN_CERT", "TANDA_ADMIN_KEY",
                     "TANDA_ADMIN_CACERT", "TANDA_ADMIN_PROFILE"):
            full.pop(name, None)
        full.update(env or {})
        return run_tanda("admin", *args, env=full)

    def test_connection_settings_from_environment_and_profile(self):
        cert, key = self.admin.pair("auditor")
        url = f"https://127.0.0.1:{self.fx.server.admin_port}"
        env = {"TANDA_ADMIN_URL": url, "TANDA_ADMIN_CERT": cert, "TANDA_ADMIN_KEY": key,
               "TANDA_ADMIN_CACERT": self.admin.path_server_ca}
        r = self.run_admin("verify", env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"ok": true', r.stdout)
        # A profile beside the files it names, with relative paths.
        profile = os.path.join(self.admin.dir, "auditor.profile")
        with open(profile, "w") as f:
            f.write(f"# the auditor\nurl = {url}\ncert = auditor.pem\nkey = auditor.key\n"
                    f"cacert = server-ca.pem\n")
        r = self.run_admin("verify", "--profile", profile)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.run_admin("verify", env={"TANDA_ADMIN_PROFILE": profile})
        self.assertEqual(r.returncode, 0, r.stderr)
        # Environment over profile: the profile's operator loses to the environment's auditor,
        # whose role cannot generate CRLs.
        op_profile = os.path.join(self.admin.dir, "operator.profile")
        with open(op_profile, "w") as f:
            f.write(f"url = {url}\ncert = operator.pem\nkey = operator.key\n"
                    f"cacert = server-ca.pem\n")
        r = self.run_admin("crl-generate", "--ca", "rsa", "--profile", op_profile)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.run_admin("crl-generate", "--ca", "rsa", "--profile", op_profile,
                           env={"TANDA_ADMIN_CERT": cert, "TANDA_ADMIN_KEY": key})
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("lacks the role", r.stderr)
        # Flags over the environment.
        op_cert, op_key = self.admin.pair("operator")
        r = self.run_admin("crl-generate", "--ca", "rsa", "--cert", op_cert, "--key", op_key,
                           env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        # Nothing gives the server CA: a usage error naming every way to give it.
        r = self.run_admin("verify", "--url", url, "--cert", cert, "--key", key)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(r.stderr, "tanda: --cacert FILE is required (or TANDA_ADMIN_CACERT, or "
                                   "'cacert = FILE' in a --profile)\n"
                                   "Run 'tanda admin --help' for usage.\n")
        with open(profile, "a") as f:
            f.write("certificate = x.pem\n")
        r = self.run_admin("verify", "--profile", profile)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(f"{profile}:6: unknown name 'certificate'", r.stderr)

    def test_admin_usage_errors_are_short(self):
        for args, message in [((), "admin needs a subcommand"),
                              (("show", "--bogus"), "unknown option --bogus"),
                              (("show", "--cert", "a", "--key", "b", "--cacert", "c"),
                               "--ca is required")]:
            with self.subTest(args=args):
                r = self.run_admin(*args)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertEqual(r.stderr, f"tanda: {message}\n"
                                           "Run 'tanda admin --help' for usage.\n")
        r = self.run_admin("--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("TANDA_ADMIN_PROFILE", r.stdout)
        self.assertIn("--approved-at TIME", r.stdout)


if __name__ == "__main__":
    unittest.main()
