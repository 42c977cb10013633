"""Malformed and hostile input: each case is followed by a normal query that must succeed.
Also HTTP keep-alive and pipelining."""

import base64
import http.client
import os
import resource
import socket
import time
import unittest

from cryptography.x509 import ocsp

from harness import (Fixture, ResponderTestCase, Server, build_request, cert_id, der_octets, der_oid, der_seq,
                     single_request)

MALFORMED = ocsp.OCSPResponseStatus.MALFORMED_REQUEST


def read_http_response(f):
    """Reads one HTTP/1.1 response with Content-Length from a buffered socket file."""
    status_line = f.readline().decode("latin-1")
    if not status_line:
        raise ConnectionError("connection closed before a response")
    version, code, _ = status_line.split(" ", 2)
    headers = {}
    while True:
        line = f.readline().decode("latin-1")
        if line in ("\r\n", "\n", ""):
            break
        k, v = line.split(":", 1)
        headers[k.strip().lower()] = v.strip()
    body = f.read(int(headers.get("content-length", "0")))
    return int(code), headers, body


class BadInputTest(ResponderTestCase):
    LISTEN = {"max_body_bytes": "1KiB", "max_uri_bytes": "1KiB"}
    CA_OPTIONS = {"ecdsa": {"max_certids": 2}}

    def good_der(self, ca=None):
        ca = ca or self.pki.ecdsa
        return single_request(ca.cert, ca.leaves["good"].serial)

    def assert_malformed_post(self, body):
        status, headers, data = self.post(body)
        self.assertEqual(status, 200, data)
        self.assertEqual(headers["Content-Type"], "application/ocsp-response")
        # OCSPResponse { responseStatus malformedRequest(1) } and nothing else.
        self.assertEqual(data, bytes.fromhex("30030a0101"))
        self.assert_error_status(data, MALFORMED)
        self.assertIn("no-store", headers.get("Cache-Control", ""))
        self.assert_still_serving()

    def test_empty_post(self):
        self.assert_malformed_post(b"")

    def test_random_bytes(self):
        for n in (1, 7, 100, 1000):
            with self.subTest(n=n):
                self.assert_malformed_post(os.urandom(n))

    def test_random_bytes_with_sequence_header(self):
        self.assert_malformed_post(b"\x30\x82\x01\x00" + os.urandom(256))

    def test_truncated_der(self):
        der = self.good_der()
        for cut in (1, 2, len(der) // 2, len(der) - 1):
            with self.subTest(cut=cut):
                self.assert_malformed_post(der[:cut])

    def test_trailing_garbage(self):
        self.assert_malformed_post(self.good_der() + b"\x00")
        self.assert_malformed_post(self.good_der() + os.urandom(16))
        self.assert_malformed_post(self.good_der() + self.good_der())

    def test_oversized_body_413(self):
        body = self.good_der() + b"\x00" * 2000
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("POST", "/", body, {"Content-Type": "application/ocsp-request"})
            r = conn.getresponse()
            self.assertEqual(r.status, 413)
            r.read()
        finally:
            conn.close()
        self.assert_still_serving()

    def test_invalid_base64_get(self):
        for path in ("/!!!!", "/" + "A" * 5, "/%zz" + "A" * 8, "/%4", "/AAAA*AAA",
                     "/" + base64.b64encode(b"not der at all").decode()):
            with self.subTest(path=path):
                status, _, data = self.http("GET", path)
                self.assertEqual(status, 200)
                self.assert_error_status(data, MALFORMED)
        self.assert_still_serving()

    def test_get_root_without_request(self):
        status, _, data = self.http("GET", "/")
        self.assertEqual(status, 200)
        self.assert_error_status(data, MALFORMED)
        self.assert_still_serving()

    def test_md5_certid_malformed(self):
        ca = self.pki.ecdsa
        self.assert_malformed_post(build_request([cert_id(ca.cert, ca.leaves["good"].serial,
                                                          "md5")]))

    def test_too_many_certids(self):
        ca = self.pki.ecdsa
        serials = [ca.leaves[l].serial for l in ("good", "revoked", "hold")]
        self.assert_malformed_post(build_request([cert_id(ca.cert, s) for s in serials]))
        # At the limit is fine.
        resp = self.ocsp_post(build_request([cert_id(ca.cert, s) for s in serials[:2]]))
        self.assertEqual(len(list(resp.responses)), 2)
        # The other CA keeps the default of 16.
        rsa = self.pki.rsa
        resp = self.ocsp_post(build_request([cert_id(rsa.cert, rsa.leaves["good"].serial)] * 16))
        self.assertEqual(len(list(resp.responses)), 16)

    def test_unknown_critical_request_extension(self):
        # RFC 6960 4.4: unrecognized extensions are ignored unless critical and not understood.
        ca = self.pki.ecdsa
        cid = cert_id(ca.cert, ca.leaves["good"].serial)
        noncrit = der_seq(der_oid("1.3.6.1.4.1.99999.1"), der_octets(b"\x05\x00"))
        resp = self.ocsp_post(build_request([cid], extra_extensions=[noncrit]))
        self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.GOOD)
        crit = der_seq(der_oid("1.3.6.1.4.1.99999.1"), b"\x01\x01\xff", der_octets(b"\x05\x00"))
        self.assert_malformed_post(build_request([cid], extra_extensions=[crit]))

    def test_empty_request_list(self):
        self.assert_malformed_post(build_request([]))

    def test_wrong_content_type_415(self):
        for ctype in ("application/octet-stream", "text/plain", "application/ocsp-response"):
            with self.subTest(content_type=ctype):
                status, _, _ = self.post(self.good_der(), content_type=ctype)
                self.assertEqual(status, 415)
        # Case-insensitive with parameters is accepted.
        status, _, data = self.post(self.good_der(),
                                    content_type="Application/OCSP-Request; charset=binary")
        self.assertEqual(status, 200)
        self.assertEqual(ocsp.load_der_ocsp_response(data).certificate_status,
                         ocsp.OCSPCertStatus.GOOD)
        self.assert_still_serving()

    def test_wrong_method_405(self):
        for method in ("PUT", "DELETE", "PATCH"):
            with self.subTest(method=method):
                status, headers, _ = self.http(method, "/", self.good_der(),
                                               {"Content-Type": "application/ocsp-request"})
                self.assertEqual(status, 405)
                allow = headers.get("Allow", "")
                self.assertIn("GET", allow)
                self.assertIn("POST", allow)
        self.assert_still_serving()

    def test_uri_too_long_414(self):
        status, _, _ = self.http("GET", "/" + "A" * 2000)
        self.assertEqual(status, 414)
        self.assert_still_serving()

    def test_nonce_too_long(self):
        ca = self.pki.ecdsa
        self.assert_malformed_post(single_request(ca.cert, ca.leaves["good"].serial,
                                                  nonce=os.urandom(129)))
        self.assert_malformed_post(single_request(ca.cert, ca.leaves["good"].serial,
                                                  nonce=b""))
        resp = self.ocsp_post(single_request(ca.cert, ca.leaves["good"].serial,
                                             nonce=os.urandom(128)))
        self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.GOOD)

    def test_unknown_path_without_base64_is_not_a_crash(self):
        status, _, data = self.http("GET", "/ocsp/../../etc/passwd")
        self.assertIn(status, (200, 400, 404))
        if status == 200:
            self.assert_error_status(data, MALFORMED)
        self.assert_still_serving()

    # -- connections --------------------------------------------------------------------------

    def test_keep_alive(self):
        ca = self.pki.ecdsa
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.connect()
            sock = conn.sock
            expected = [("good", ocsp.OCSPCertStatus.GOOD),
                        ("revoked", ocsp.OCSPCertStatus.REVOKED),
                        ("unknown", ocsp.OCSPCertStatus.UNKNOWN)] * 2
            for i, (label, status) in enumerate(expected):
                der = single_request(ca.cert, ca.leaves[label].serial)
                if i % 2:
                    conn.request("GET", "/" + base64.b64encode(der).decode())
                else:
                    conn.request("POST", "/", der, {"Content-Type": "application/ocsp-request"})
                r = conn.getresponse()
                body = r.read()
                self.assertEqual(r.status, 200)
                self.assertFalse(r.will_close, f"server closed after request {i}")
                self.assertIs(conn.sock, sock, "connection was reopened")
                self.assertEqual(ocsp.load_der_ocsp_response(body).certificate_status, status)
            # An HTTP error does not need to close the connection either.
            conn.request("POST", "/", b"", {"Content-Type": "application/ocsp-request"})
            r = conn.getresponse()
            self.assert_error_status(r.read(), MALFORMED)
            conn.request("POST", "/", self.good_der(),
                         {"Content-Type": "application/ocsp-request"})
            r = conn.getresponse()
            self.assertEqual(ocsp.load_der_ocsp_response(r.read()).certificate_status,
                             ocsp.OCSPCertStatus.GOOD)
            self.assertIs(conn.sock, sock)
        finally:
            conn.close()

    def test_pipelined_requests(self):
        ca = self.pki.ecdsa
        labels = ["revoked", "good", "unknown", "hold", "good"]
        wire = b""
        for i, label in enumerate(labels):
            der = single_request(ca.cert, ca.leaves[label].serial)
            if i % 2:
                wire += (f"GET /{base64.b64encode(der).decode()} HTTP/1.1\r\n"
                         f"Host: 127.0.0.1\r\n\r\n").encode()
            else:
                wire += (f"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         f"Content-Type: application/ocsp-request\r\n"
                         f"Content-Length: {len(der)}\r\n\r\n").encode() + der
        wire += b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/ocsp-request\r\n" \
                b"Content-Length: 3\r\nConnection: close\r\n\r\nabc"
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            s.sendall(wire)
            f = s.makefile("rb")
            got = []
            for _ in labels:
                code, headers, body = read_http_response(f)
                self.assertEqual(code, 200)
                r = ocsp.load_der_ocsp_response(body)
                got.append((r.serial_number, r.certificate_status))
            code, headers, body = read_http_response(f)
            self.assertEqual(code, 200)
            self.assert_error_status(body, MALFORMED)
            self.assertEqual(headers.get("connection", "").lower(), "close")
            self.assertEqual(f.read(), b"")  # closed after Connection: close
        statuses = {"good": ocsp.OCSPCertStatus.GOOD, "revoked": ocsp.OCSPCertStatus.REVOKED,
                    "unknown": ocsp.OCSPCertStatus.UNKNOWN, "hold": ocsp.OCSPCertStatus.REVOKED}
        self.assertEqual(got, [(ca.leaves[l].serial, statuses[l]) for l in labels])
        self.assert_still_serving()

    def test_garbage_http(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            s.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + os.urandom(64) +
                      b"\r\n\r\n")
            data = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        self.assertTrue(data == b"" or data.startswith(b"HTTP/1.1 400"), data[:100])
        self.assert_still_serving()


class NonceRequiredTest(ResponderTestCase):
    CA_OPTIONS = {"rsa": {"nonce": {"policy": "require", "min_length": 16, "max_length": 32}}}

    def test_request_without_nonce_malformed(self):
        ca = self.pki.rsa
        status, _, data = self.post(single_request(ca.cert, ca.leaves["good"].serial))
        self.assertEqual(status, 200)
        self.assert_error_status(data, MALFORMED)
        self.assert_still_serving(ca=self.pki.rsa)

    def test_nonce_length_bounds(self):
        ca = self.pki.rsa
        for n, ok in ((15, False), (16, True), (32, True), (33, False)):
            with self.subTest(length=n):
                status, _, data = self.post(single_request(ca.cert, ca.leaves["good"].serial,
                                                           nonce=os.urandom(n)))
                resp = ocsp.load_der_ocsp_response(data)
                if ok:
                    self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.GOOD)
                else:
                    self.assertEqual(resp.response_status, MALFORMED)

    def test_other_ca_unaffected(self):
        ca = self.pki.ecdsa
        resp = self.query(ca, ca.leaves["good"].serial)
        self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.GOOD)


@unittest.skipIf(os.environ.get("TANDA_SANITIZED") == "1",
                 "UBSan's vptr check probes memory with pipe(), which fails with the descriptors "
                 "used up, so it reports a valid object as having an invalid vptr; the normal "
                 "build runs this test")
class DescriptorExhaustionTest(unittest.TestCase):
    """Out of file descriptors, accept fails: the server pauses accepting (one log line, no
    busy loop) and takes connections again once descriptors are free."""

    def test_accept_pauses_and_recovers(self):
        fx = Fixture()
        self.addCleanup(fx.close)
        limit = lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (96, 96))
        fx.server = Server(["serve", "--config", fx.config_path], fx.tmp, preexec_fn=limit)
        fx.server.start()
        self.assertRegex(fx.server.stderr(), r"descriptor limit below the configured connections"
                                             r".* limit=96 ")
        held = []
        self.addCleanup(lambda: [s.close() for s in held])
        for _ in range(150):
            held.append(socket.create_connection(("127.0.0.1", fx.server.port), timeout=5))
        time.sleep(1.5)  # ~15 retries if it pauses 100 ms; thousands of failures if it spins
        err = fx.server.stderr()
        self.assertEqual(err.count("accept failed, pausing"), 1, err[-2000:])
        for s in held:
            s.close()
        held.clear()
        ca = fx.pki.ecdsa
        der = single_request(ca.cert, ca.leaves["good"].serial)
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", fx.server.port, timeout=5)
                conn.request("POST", "/", der, {"Content-Type": "application/ocsp-request"})
                body = conn.getresponse().read()
                conn.close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        resp = ocsp.load_der_ocsp_response(body)
        self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.GOOD)
        self.assertIn("msg=\"accepting again\"", fx.server.stderr())


if __name__ == "__main__":
    unittest.main()
