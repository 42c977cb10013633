"""Responses parsed and verified with python3-cryptography 38: statuses, reasons, times,
extensions, CertID echo for every hash, POST and the GET URL forms."""

import base64
import datetime as dt
import hashlib
import http.client
import os
import unittest
import urllib.parse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509 import ocsp

from harness import (HASH_OIDS, INVALIDITY_AT, OID_ARCHIVE_CUTOFF, OID_EXTENDED_REVOKE,
                     REASONS, REVOKED_AT, ResponderTestCase, build_request, cert_id, der_int,
                     der_octets, der_oid, der_read, der_seq, key_bits, parse_generalized_time,
                     single_request, verify_signature)

CRYPTO_HASHES = {"sha1": hashes.SHA1, "sha256": hashes.SHA256, "sha384": hashes.SHA384,
                 "sha512": hashes.SHA512}
SLACK = dt.timedelta(seconds=60)


def naive(t):
    return t.astimezone(dt.timezone.utc).replace(tzinfo=None)


def utcnow():
    return dt.datetime.utcnow().replace(microsecond=0)


class OcspChecks(ResponderTestCase):
    """Shared assertions for one parsed response."""

    def assert_signed_by(self, resp, ca):
        self.assertEqual(resp.response_status, ocsp.OCSPResponseStatus.SUCCESSFUL)
        verify_signature(resp, ca.signer.public_key())  # raises InvalidSignature
        self.assertEqual(resp.responder_key_hash, hashlib.sha1(key_bits(ca.signer)).digest())
        self.assertIsNone(resp.responder_name)
        if ca.delegated:
            self.assertEqual(resp.certificates, [ca.signer])
            # The delegated signer itself was issued by the CA with OCSPSigning.
            ca.cert.public_key().verify(ca.signer.signature, ca.signer.tbs_certificate_bytes,
                                        ec.ECDSA(hashes.SHA256()))
            eku = ca.signer.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
            self.assertIn(ExtendedKeyUsageOID.OCSP_SIGNING, eku)
        else:
            self.assertEqual(resp.certificates, [])

    def assert_times(self, single_or_resp, produced_at=None):
        t = utcnow()
        self.assertAlmostEqual(single_or_resp.this_update, t - dt.timedelta(minutes=5),
                               delta=SLACK)
        self.assertAlmostEqual(single_or_resp.next_update, t + dt.timedelta(days=1), delta=SLACK)
        if produced_at is not None:
            self.assertAlmostEqual(produced_at, t, delta=SLACK)
            self.assertEqual(single_or_resp.this_update, produced_at - dt.timedelta(minutes=5))

    def assert_certid(self, single, ca, serial, alg="sha1"):
        self.assertEqual(single.serial_number, serial)
        self.assertIsInstance(single.hash_algorithm, CRYPTO_HASHES[alg])
        self.assertEqual(single.issuer_name_hash,
                         hashlib.new(alg, ca.cert.subject.public_bytes()).digest())
        self.assertEqual(single.issuer_key_hash, hashlib.new(alg, key_bits(ca.cert)).digest())

    def ask(self, ca, label_or_serial, alg="sha1", nonce=None):
        serial = (ca.leaves[label_or_serial].serial if isinstance(label_or_serial, str)
                  else label_or_serial)
        resp = self.query(ca, serial, alg, nonce)
        self.assert_signed_by(resp, ca)
        self.assert_certid(resp, ca, serial, alg)
        self.assert_times(resp, resp.produced_at)
        return resp

    def archive_cutoff(self, single):
        try:
            ext = single.single_extensions.get_extension_for_oid(OID_ARCHIVE_CUTOFF)
        except x509.ExtensionNotFound:
            return None
        tag, content, _ = der_read(ext.value.value)
        self.assertEqual(tag, 0x18)  # GeneralizedTime
        self.assertFalse(ext.critical)
        return parse_generalized_time(content).replace(tzinfo=None)


class PythonCryptographyTest(OcspChecks):
    LISTEN = {"path_prefix": "/ocsp"}

    # -- statuses -----------------------------------------------------------------------------

    def test_good_both_cas(self):
        for ca in self.pki.cas.values():
            with self.subTest(ca=ca.name):
                resp = self.ask(ca, "good")
                self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.GOOD)
                self.assertIsNone(resp.revocation_time)
                self.assertEqual(len(resp.single_extensions), 0)
                self.assertEqual(len(resp.extensions), 0)

    def test_revoked_every_reason(self):
        for ca in self.pki.cas.values():
            for name, flag in REASONS.items():
                label = "revoked" if name == "keyCompromise" else f"revoked-{name}"
                with self.subTest(ca=ca.name, reason=name):
                    resp = self.ask(ca, label)
                    self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.REVOKED)
                    self.assertEqual(resp.revocation_time, naive(REVOKED_AT))
                    self.assertEqual(resp.revocation_reason, flag)

    def test_hold(self):
        for ca in self.pki.cas.values():
            with self.subTest(ca=ca.name):
                resp = self.ask(ca, "hold")
                self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.REVOKED)
                self.assertEqual(resp.revocation_reason, x509.ReasonFlags.certificate_hold)
                self.assertEqual(resp.revocation_time, naive(REVOKED_AT))

    def test_revoked_unspecified_omits_reason(self):
        resp = self.ask(self.pki.ecdsa, "revoked-unspecified")
        self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.REVOKED)
        self.assertEqual(resp.revocation_time, naive(REVOKED_AT))
        self.assertIsNone(resp.revocation_reason)

    def test_key_time_gives_invalidity_date(self):
        resp = self.ask(self.pki.rsa, "revoked-keytime")
        self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.REVOKED)
        self.assertEqual(resp.revocation_reason, x509.ReasonFlags.key_compromise)
        ext = resp.single_extensions.get_extension_for_class(x509.InvalidityDate)
        self.assertEqual(ext.value.invalidity_date, naive(INVALIDITY_AT))

    def test_unknown_default_policy(self):
        for ca in self.pki.cas.values():
            with self.subTest(ca=ca.name):
                resp = self.ask(ca, "unknown")
                self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.UNKNOWN)
                self.assertEqual(len(resp.extensions), 0)

    def test_ca_certificate_itself_is_good(self):
        for ca in self.pki.cas.values():
            with self.subTest(ca=ca.name):
                resp = self.ask(ca, ca.cert.serial_number)
                self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.GOOD)

    def test_expired_archive_policy(self):
        for ca in self.pki.cas.values():
            for label in ("expired", "expired-v"):
                with self.subTest(ca=ca.name, label=label):
                    resp = self.ask(ca, label)
                    self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.GOOD)
                    # retention: forever -> archiveCutoff is the CA certificate's notBefore.
                    self.assertEqual(self.archive_cutoff(resp), ca.cert.not_valid_before)
        resp = self.ask(self.pki.ecdsa, "expired-revoked")
        self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.REVOKED)
        self.assertEqual(resp.revocation_reason, x509.ReasonFlags.superseded)
        self.assertEqual(self.archive_cutoff(resp), self.pki.ecdsa.cert.not_valid_before)
        self.assertIsNone(self.archive_cutoff(self.ask(self.pki.ecdsa, "good")))

    def test_unserved_issuer_unauthorized(self):
        other = self.pki.other
        leaf = other.add_leaf("stranger")
        status, _, body = self.post(single_request(other.cert, leaf.serial))
        self.assertEqual(status, 200)
        resp = ocsp.load_der_ocsp_response(body)
        self.assertEqual(resp.response_status, ocsp.OCSPResponseStatus.UNAUTHORIZED)
        # Right issuer name, other key: still not ours.
        cid = cert_id(other.cert, self.pki.ecdsa.leaves["good"].serial)
        status, _, body = self.post(build_request([cid]))
        self.assertEqual(ocsp.load_der_ocsp_response(body).response_status,
                         ocsp.OCSPResponseStatus.UNAUTHORIZED)

    def test_mixed_issuers_in_one_request_unauthorized(self):
        e, r = self.pki.ecdsa, self.pki.rsa
        der = build_request([cert_id(e.cert, e.leaves["good"].serial),
                             cert_id(r.cert, r.leaves["good"].serial)])
        status, _, body = self.post(der)
        self.assertEqual(status, 200)
        self.assertEqual(ocsp.load_der_ocsp_response(body).response_status,
                         ocsp.OCSPResponseStatus.UNAUTHORIZED)

    def test_several_certids_in_order(self):
        ca = self.pki.ecdsa
        labels = ["revoked", "good", "unknown", "hold", "revoked-superseded"]
        algs = ["sha1", "sha256", "sha384", "sha512", "sha1"]
        der = build_request([cert_id(ca.cert, ca.leaves[l].serial, a)
                             for l, a in zip(labels, algs)], nonce=os.urandom(32))
        resp = self.ocsp_post(der)
        self.assert_signed_by(resp, ca)
        singles = list(resp.responses)
        self.assertEqual(len(singles), len(labels))
        expected = [(ocsp.OCSPCertStatus.REVOKED, x509.ReasonFlags.key_compromise),
                    (ocsp.OCSPCertStatus.GOOD, None), (ocsp.OCSPCertStatus.UNKNOWN, None),
                    (ocsp.OCSPCertStatus.REVOKED, x509.ReasonFlags.certificate_hold),
                    (ocsp.OCSPCertStatus.REVOKED, x509.ReasonFlags.superseded)]
        for single, label, alg, (status, reason) in zip(singles, labels, algs, expected):
            with self.subTest(label=label, alg=alg):
                self.assert_certid(single, ca, ca.leaves[label].serial, alg)
                self.assertEqual(single.certificate_status, status)
                self.assertEqual(single.revocation_reason, reason)
                self.assert_times(single)

    # -- CertID hash algorithms ---------------------------------------------------------------

    def test_certid_hash_algorithms_echoed(self):
        for ca in self.pki.cas.values():
            for alg in ("sha1", "sha256", "sha384", "sha512"):
                with self.subTest(ca=ca.name, alg=alg):
                    resp = self.ask(ca, "revoked", alg)
                    self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.REVOKED)
                    self.assertEqual(resp.revocation_reason, x509.ReasonFlags.key_compromise)

    def test_certid_without_null_parameters(self):
        # AlgorithmIdentifier with absent parameters (RFC 5754 style) matches as well.
        ca = self.pki.ecdsa
        serial = ca.leaves["revoked"].serial
        for alg in ("sha1", "sha256"):
            with self.subTest(alg=alg):
                cid = der_seq(der_seq(der_oid(HASH_OIDS[alg])),
                              der_octets(hashlib.new(alg, ca.cert.subject.public_bytes()).digest()),
                              der_octets(hashlib.new(alg, key_bits(ca.cert)).digest()),
                              der_int(serial))
                resp = self.ocsp_post(build_request([cid]))
                self.assert_signed_by(resp, ca)
                self.assert_certid(resp, ca, serial, alg)
                self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.REVOKED)

    def test_builder_request_matches(self):
        # A request built by cryptography's own builder (SHA-256 CertID, nonce extension).
        ca = self.pki.rsa
        nonce = os.urandom(16)
        req = (ocsp.OCSPRequestBuilder()
               .add_certificate(ca.leaves["good"].cert, ca.cert, hashes.SHA256())
               .add_extension(x509.OCSPNonce(nonce), critical=False).build())
        resp = self.ocsp_post(req.public_bytes(serialization.Encoding.DER))
        self.assert_signed_by(resp, ca)
        self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.GOOD)
        self.assertEqual(resp.serial_number, req.serial_number)
        self.assertEqual(resp.issuer_key_hash, req.issuer_key_hash)
        self.assertEqual(resp.issuer_name_hash, req.issuer_name_hash)
        self.assertIsInstance(resp.hash_algorithm, hashes.SHA256)
        self.assertEqual(resp.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce,
                         nonce)

    # -- nonce --------------------------------------------------------------------------------

    def test_nonce_echoed(self):
        for ca in self.pki.cas.values():
            for n in (1, 16, 32, 128):
                with self.subTest(ca=ca.name, length=n):
                    nonce = os.urandom(n)
                    resp = self.ask(ca, "good", nonce=nonce)
                    ext = resp.extensions.get_extension_for_class(x509.OCSPNonce)
                    self.assertEqual(ext.value.nonce, nonce)
                    self.assertFalse(ext.critical)

    def test_nonce_responses_are_fresh(self):
        ca = self.pki.ecdsa
        a = self.ask(ca, "good", nonce=b"A" * 16)
        b = self.ask(ca, "good", nonce=b"B" * 16)
        self.assertNotEqual(a.signature, b.signature)

    def test_no_nonce_no_extension(self):
        resp = self.ask(self.pki.ecdsa, "good")
        self.assertEqual(len(resp.extensions), 0)

    # -- GET ----------------------------------------------------------------------------------

    def awkward_request(self, ca, label):
        """A request whose base64 has '+', '/' and '=' padding (varied through the nonce)."""
        for _ in range(10000):
            der = single_request(ca.cert, ca.leaves[label].serial, nonce=os.urandom(17))
            b64 = base64.b64encode(der).decode()
            if "+" in b64 and "/" in b64 and b64.endswith("="):
                return der, b64
        self.fail("could not build a request with +, / and = in its base64")

    def check_get(self, path, ca, label, status, der):
        resp = self.ocsp_get(path)
        self.assert_signed_by(resp, ca)
        self.assert_certid(resp, ca, ca.leaves[label].serial)
        self.assertEqual(resp.certificate_status, status)
        req = ocsp.load_der_ocsp_request(der)
        nonce = req.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
        self.assertEqual(resp.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce,
                         nonce)

    def test_get_url_forms(self):
        ca = self.pki.ecdsa
        der, b64 = self.awkward_request(ca, "revoked")
        forms = {
            "plain": "/" + b64,
            "percent-encoded": "/" + urllib.parse.quote(b64, safe=""),
            "percent-encoded, lower-case hex": "/" + urllib.parse.quote(b64, safe="")
                                                      .replace("%2B", "%2b")
                                                      .replace("%2F", "%2f")
                                                      .replace("%3D", "%3d"),
            "base64url": "/" + b64.replace("+", "-").replace("/", "_"),
            "no padding": "/" + b64.rstrip("="),
            "base64url no padding": "/" + b64.replace("+", "-").replace("/", "_").rstrip("="),
            "double slash": "//" + b64,
            "path prefix": "/ocsp/" + b64,
            "path prefix percent-encoded": "/ocsp/" + urllib.parse.quote(b64, safe=""),
            "path prefix base64url": "/ocsp/" + b64.replace("+", "-").replace("/", "_"),
            "path prefix double slash": "/ocsp//" + b64,
        }
        for name, path in forms.items():
            with self.subTest(form=name, path=path):
                self.check_get(path, ca, "revoked", ocsp.OCSPCertStatus.REVOKED, der)

    def test_get_both_cas(self):
        for ca in self.pki.cas.values():
            for label, status in [("good", ocsp.OCSPCertStatus.GOOD),
                                  ("revoked", ocsp.OCSPCertStatus.REVOKED),
                                  ("unknown", ocsp.OCSPCertStatus.UNKNOWN)]:
                with self.subTest(ca=ca.name, label=label):
                    der, b64 = self.awkward_request(ca, label)
                    self.check_get("/" + urllib.parse.quote(b64, safe=""), ca, label, status,
                                   der)

    def test_get_caching_headers(self):
        ca = self.pki.rsa
        der = single_request(ca.cert, ca.leaves["good"].serial)
        path = "/" + urllib.parse.quote(base64.b64encode(der).decode(), safe="")
        status, headers, body = self.http("GET", path)
        self.assertEqual(status, 200)
        resp = ocsp.load_der_ocsp_response(body)
        self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.GOOD)
        cc = headers["Cache-Control"]
        self.assertIn("public", cc)
        max_age = int(cc.split("max-age=")[1].split(",")[0])
        self.assertAlmostEqual(max_age, 86400, delta=60)
        etag = headers["ETag"]
        self.assertTrue(etag.startswith('"') and etag.endswith('"'), etag)
        self.assertIn("Expires", headers)
        self.assertIn("Last-Modified", headers)
        status, headers, body = self.http("GET", path, headers={"If-None-Match": etag})
        self.assertEqual(status, 304)
        self.assertEqual(body, b"")
        # POST answers and nonce answers are not cacheable.
        status, headers, _ = self.post(der)
        self.assertIn("no-store", headers["Cache-Control"])

    def test_head(self):
        ca = self.pki.rsa
        der = single_request(ca.cert, ca.leaves["good"].serial)
        path = "/" + urllib.parse.quote(base64.b64encode(der).decode(), safe="")
        _, _, get_body = self.http("GET", path)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("HEAD", path)
            r = conn.getresponse()
            self.assertEqual(r.status, 200)
            self.assertEqual(r.read(), b"")
            self.assertEqual(int(r.headers["Content-Length"]), len(get_body))
        finally:
            conn.close()

    def test_post_under_path_prefix(self):
        ca = self.pki.ecdsa
        for path in ("/ocsp", "/ocsp/"):
            with self.subTest(path=path):
                resp = self.ocsp_post(single_request(ca.cert, ca.leaves["revoked"].serial),
                                      path)
                self.assert_signed_by(resp, ca)
                self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.REVOKED)

    def test_healthz(self):
        status, _, body = self.http("GET", "/healthz")
        self.assertEqual((status, body), (200, b"ok\n"))


class UnknownSerialsRevokedTest(OcspChecks):
    CA_OPTIONS = {"ecdsa": {"unknown_serials": "revoked"}, "rsa": {"unknown_serials": "revoked"}}

    def test_never_issued_is_revoked_hold_1970_extended_revoke(self):
        for ca in self.pki.cas.values():
            with self.subTest(ca=ca.name):
                resp = self.ask(ca, "unknown", nonce=os.urandom(8))
                self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.REVOKED)
                self.assertEqual(resp.revocation_reason, x509.ReasonFlags.certificate_hold)
                self.assertEqual(resp.revocation_time, dt.datetime(1970, 1, 1))
                ext = resp.extensions.get_extension_for_oid(OID_EXTENDED_REVOKE)
                self.assertFalse(ext.critical)
                self.assertEqual(ext.value.value, b"\x05\x00")  # NULL
                self.assertIsNotNone(resp.extensions.get_extension_for_class(x509.OCSPNonce))

    def test_known_statuses_unchanged(self):
        for ca in self.pki.cas.values():
            with self.subTest(ca=ca.name):
                self.assertEqual(self.ask(ca, "good").certificate_status,
                                 ocsp.OCSPCertStatus.GOOD)
                resp = self.ask(ca, "revoked")
                self.assertEqual(resp.revocation_reason, x509.ReasonFlags.key_compromise)
                self.assertEqual(resp.revocation_time, naive(REVOKED_AT))


class ExpiredUnknownTest(OcspChecks):
    CA_OPTIONS = {"ecdsa": {"expired": {"policy": "unknown"}},
                  "rsa": {"expired": {"policy": "unknown"}}}

    def test_expired_answers_unknown(self):
        for ca in self.pki.cas.values():
            for label in ("expired", "expired-v", "expired-revoked"):
                with self.subTest(ca=ca.name, label=label):
                    resp = self.ask(ca, label)
                    self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.UNKNOWN)
                    self.assertIsNone(self.archive_cutoff(resp))

    def test_unexpired_unchanged(self):
        for ca in self.pki.cas.values():
            with self.subTest(ca=ca.name):
                self.assertEqual(self.ask(ca, "good").certificate_status,
                                 ocsp.OCSPCertStatus.GOOD)
                self.assertEqual(self.ask(ca, "revoked").certificate_status,
                                 ocsp.OCSPCertStatus.REVOKED)


class ArchiveRetentionTest(OcspChecks):
    CA_OPTIONS = {"rsa": {"expired": {"policy": "archive", "retention": "30d"}}}

    def test_archive_cutoff_is_produced_at_minus_retention(self):
        resp = self.ask(self.pki.rsa, "expired")
        self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.GOOD)
        self.assertEqual(self.archive_cutoff(resp), resp.produced_at - dt.timedelta(days=30))


class NonceIgnoreTest(OcspChecks):
    CA_OPTIONS = {"ecdsa": {"nonce": {"policy": "ignore"}}}

    def test_nonce_not_echoed(self):
        resp = self.ask(self.pki.ecdsa, "good", nonce=os.urandom(16))
        self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.GOOD)
        self.assertEqual(len(resp.extensions), 0)
        # The other CA keeps the default echo policy.
        nonce = os.urandom(16)
        resp = self.ask(self.pki.rsa, "good", nonce=nonce)
        self.assertEqual(resp.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce,
                         nonce)


if __name__ == "__main__":
    unittest.main()
