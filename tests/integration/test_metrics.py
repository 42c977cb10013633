"""/metrics (Prometheus text format, checked with promtool and scraped by a real Prometheus
server) and /readyz of a running `tanda serve`."""

import base64
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.parse
import urllib.request

from cryptography import x509

from harness import (Fixture, ResponderTestCase, metric_value as value, parse_metrics,
                     run_tanda, scrape_metrics, single_request)

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MetricsTest(ResponderTestCase):
    @classmethod
    def setUpClass(cls):
        cls.fx = Fixture()
        cls.addClassCleanup(cls.fx.close)
        cls.pki = cls.fx.pki
        # The ECDSA CA publishes CRLs too, so the CRL series and the readiness check exist.
        cls.fx.write_config(ca_options={"ecdsa": {"crl": {"signing_key": cls.pki.ecdsa.key_path}}})
        cls.server = cls.fx.serve()
        cls.url = cls.server.url
        cls.port = cls.server.port

    def scrape(self):
        return scrape_metrics(self.server)

    def promtool(self, text):
        return subprocess.run(["promtool", "check", "metrics"], input=text, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)

    def test_metrics_listener_is_announced_and_separate(self):
        self.assertIsNotNone(self.server.metrics_port)
        self.assertNotEqual(self.server.metrics_port, self.port)
        # /metrics is not on the public listener: there it is an (undecodable) OCSP GET.
        _, headers, body = self.http("GET", "/metrics")
        self.assertEqual(headers["Content-Type"], "application/ocsp-response")
        self.assertNotIn(b"tanda_", body)

    def test_requests_are_counted_by_ca_method_and_outcome(self):
        ecdsa, rsa = self.pki.ecdsa, self.pki.rsa
        before = parse_metrics(self.scrape())
        self.query(ecdsa, ecdsa.leaves["good"].serial)
        self.query(ecdsa, ecdsa.leaves["good"].serial)  # a cache hit
        revoked = single_request(ecdsa.cert, ecdsa.leaves["revoked"].serial)
        self.ocsp_get("/" + base64.b64encode(revoked).decode())
        self.query(rsa, rsa.leaves["unknown"].serial)
        self.query(self.pki.other, 0x3001)                     # not served: unauthorized
        status, _, _ = self.post(b"\x30\x03\x02\x01\x01")      # not an OCSPRequest
        self.assertEqual(status, 200)
        text = self.scrape()
        after = parse_metrics(text)

        def delta(name, **labels):
            return value(after, name, **labels) - value(before, name, **labels)

        name = "tanda_ocsp_requests_total"
        self.assertEqual(delta(name, ca="ecdsa", method="POST", outcome="good"), 2)
        self.assertEqual(delta(name, ca="ecdsa", method="GET", outcome="revoked"), 1)
        self.assertEqual(delta(name, ca="rsa", method="POST", outcome="unknown"), 1)
        self.assertEqual(delta(name, ca="", method="POST", outcome="unauthorized"), 1)
        self.assertEqual(delta(name, ca="", method="POST", outcome="malformed"), 1)
        hist = "tanda_ocsp_request_duration_seconds"
        self.assertEqual(delta(hist + "_count", method="POST") + delta(hist + "_count", method="GET"),
                         6)
        self.assertEqual(delta(hist + "_bucket", method="GET", le="+Inf"), 1)
        self.assertGreater(delta(hist + "_sum", method="POST"), 0)
        self.assertGreaterEqual(delta("tanda_ocsp_cache_hits_total"), 1)
        self.assertGreaterEqual(delta("tanda_ocsp_cache_misses_total"), 1)
        self.assertGreaterEqual(
            delta("tanda_ocsp_signatures_total", ca="ecdsa", algorithm="EC-P-256"), 1)
        self.assertGreaterEqual(
            delta("tanda_ocsp_signatures_total", ca="rsa", algorithm="RSA-2048"), 1)
        checked = self.promtool(text)
        self.assertEqual(checked.returncode, 0, checked.stdout)

    def test_promtool_rejects_what_it_should(self):
        # So that the promtool checks above can fail: a duplicated series is an error.
        broken = "# TYPE x counter\nx 1\nx 2\n"
        self.assertNotEqual(self.promtool(broken).returncode, 0)

    def test_signer_crl_storage_and_process_figures_are_real(self):
        samples = parse_metrics(self.scrape())
        for name, ca in self.pki.cas.items():
            signer = ca.signer if ca.delegated else ca.cert
            self.assertEqual(value(samples, "tanda_signer_not_after_timestamp_seconds", ca=name,
                                   delegated="1" if ca.delegated else "0"),
                             signer.not_valid_after.replace(tzinfo=dt.timezone.utc).timestamp())
        with urllib.request.urlopen(self.url + "/crl/ecdsa.crl", timeout=10) as r:
            der = r.read()
        crl = x509.load_der_x509_crl(der)
        number = crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
        self.assertEqual(value(samples, "tanda_crl_number", ca="ecdsa", kind="full"), number)
        self.assertEqual(value(samples, "tanda_crl_entries", ca="ecdsa", kind="full"), len(crl))
        self.assertGreater(len(crl), 0)
        self.assertEqual(value(samples, "tanda_crl_bytes", ca="ecdsa", kind="full"), len(der))
        self.assertEqual(value(samples, "tanda_crl_next_update_timestamp_seconds", ca="ecdsa",
                               kind="full"),
                         crl.next_update.replace(tzinfo=dt.timezone.utc).timestamp())

        registered = sum(1 for ca in self.pki.cas.values() for leaf in ca.leaves.values()
                         if leaf.registered)
        self.assertGreaterEqual(value(samples, "tanda_storage_records"), registered)
        self.assertGreaterEqual(value(samples, "tanda_journal_sequence"),
                                value(samples, "tanda_storage_records"))
        self.assertEqual(value(samples, "tanda_storage_map_size_bytes"), 64 * 1024 * 1024)
        self.assertGreater(value(samples, "tanda_storage_used_bytes"), 0)
        self.assertEqual(value(samples, "tanda_storage_up"), 1)

        version = run_tanda("--version").stdout.split()[1]
        build = [k for k in samples if k[0] == "tanda_build_info"]
        self.assertEqual(len(build), 1)
        self.assertIn(("version", version), build[0][1])
        backend = dict(build[0][1])["io_backend"]
        self.assertIn(f"io_backend={backend}", self.server.stderr())  # as msg=listening says
        if os.environ.get("TANDA_IO_BACKEND") == "epoll":
            self.assertEqual(backend, "epoll")
        else:
            self.assertIn(backend, ["epoll", "io_uring"])
        self.assertGreater(value(samples, "process_resident_memory_bytes"), 1 << 20)
        self.assertGreaterEqual(value(samples, "process_open_fds"), 4)
        self.assertAlmostEqual(value(samples, "process_start_time_seconds"), time.time(),
                               delta=600)
        self.assertGreaterEqual(value(samples, "tanda_http_open_connections", listener="metrics"),
                                1)  # this scrape's own connection
        self.assertIn(("tanda_http_open_connections", frozenset({("listener", "public")})),
                      samples)

    def test_readyz_reports_each_check(self):
        status, headers, body = self.http("GET", "/readyz")
        self.assertEqual(status, 200, body)
        self.assertEqual(headers["Cache-Control"], "no-store")
        self.assertEqual(body.decode().splitlines(),
                         ["storage: ok", "signers: ok", "crls: ok", "live_signing: ok",
                          "io_threads: ok"])
        status, _, body = self.http("GET", "/healthz")
        self.assertEqual((status, body), (200, b"ok\n"))

    def test_a_real_prometheus_scrapes_tanda(self):
        ecdsa = self.pki.ecdsa
        for _ in range(3):
            self.query(ecdsa, ecdsa.leaves["revoked"].serial)
        tmp = tempfile.mkdtemp(prefix="tanda-prom-")
        self.addCleanup(shutil.rmtree, tmp, True)
        config = os.path.join(tmp, "prometheus.yml")
        with open(config, "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                    "scrape_configs:\n  - job_name: tanda\n    static_configs:\n"
                    f"      - targets: ['127.0.0.1:{self.server.metrics_port}']\n")
        port = free_port()
        log = open(os.path.join(tmp, "prometheus.log"), "wb")
        self.addCleanup(log.close)
        proc = subprocess.Popen(["prometheus", f"--config.file={config}",
                                 f"--storage.tsdb.path={tmp}/data",
                                 f"--web.listen-address=127.0.0.1:{port}"],
                                stdout=log, stderr=subprocess.STDOUT)

        def stop():
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.addCleanup(stop)
        query = urllib.parse.quote(
            'tanda_ocsp_requests_total{job="tanda",ca="ecdsa",method="POST",outcome="revoked"}')
        deadline = time.monotonic() + 60
        result = None
        while time.monotonic() < deadline:
            self.assertIsNone(proc.poll(), "prometheus exited")
            try:
                with urllib.request.urlopen(
                        f"http://127.0.0.1:{port}/api/v1/query?query={query}", timeout=5) as r:
                    answer = json.load(r)
                result = answer["data"]["result"]
                if result and float(result[0]["value"][1]) >= 3:
                    break
            except OSError:
                pass  # not listening yet
            time.sleep(0.5)
        self.assertTrue(result, "Prometheus never had the series")
        self.assertGreaterEqual(float(result[0]["value"][1]), 3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/targets", timeout=5) as r:
            targets = json.load(r)["data"]["activeTargets"]
        self.assertEqual([t["health"] for t in targets], ["up"])


class AccessLogTest(ResponderTestCase):
    LISTEN = {"access_log": True}

    def test_one_line_per_request_without_headers(self):
        ecdsa = self.pki.ecdsa
        der = single_request(ecdsa.cert, ecdsa.leaves["good"].serial)
        status, _, body = self.http("POST", "/", der, {"Content-Type": "application/ocsp-request",
                                                        "Authorization": "Bearer s3cret"})
        self.assertEqual(status, 200)
        status, _, _ = self.http("GET", "/" + "A" * 5000)
        self.assertEqual(status, 414)
        deadline = time.monotonic() + 10
        lines = []
        while time.monotonic() < deadline and len(lines) < 2:
            lines = [l for l in self.server.stderr().splitlines() if "msg=request" in l]
            time.sleep(0.05)
        self.assertEqual(len(lines), 2, lines)
        self.assertRegex(lines[0], r"remote=127\.0\.0\.1:\d+ method=POST target=/ status=200 "
                                   rf"bytes={len(body)} us=\d+")
        self.assertRegex(lines[1], r"method=- target=- status=414 bytes=\d+ us=\d+")
        self.assertNotIn("s3cret", self.server.stderr())


class MetricsDisabledTest(unittest.TestCase):
    def test_no_metrics_listener_when_disabled(self):
        fx = Fixture(extra=lambda fx: {"metrics": {"enabled": False}})
        self.addCleanup(fx.close)
        server = fx.serve()
        self.assertIsNone(server.metrics_port)
        self.assertNotIn("metrics listening", server.stderr())


if __name__ == "__main__":
    unittest.main()
