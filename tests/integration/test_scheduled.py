"""Revocations scheduled for a holder's end of term (issue 21), against the real binary with an
injected clock (TANDA_TEST_CLOCK_FILE): applied at the right second and not before, after a
restart too, and cancelled by two operators. The statuses, reasons and times are read back over
OCSP, the request status and the journal."""

import datetime as dt
import os
import shutil
import subprocess
import tempfile
import time

from cryptography.x509 import ReasonFlags, ocsp

import harness
from harness import run_tanda
from test_admin import AdminTestCase
from test_dual_control import DualControlTest
from test_notify import SECRET, Receiver, make_receiver_pki


def rfc3339(t):
    return dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class ScheduledRevocationTest(AdminTestCase):
    # ecdsa: two operators (the default), rsa: one.
    CA_OPTIONS = {"ecdsa": {"approvals": 2, "pending_ttl": "1h"}, "rsa": {"approvals": 1}}

    post = DualControlTest.post
    entries_of = DualControlTest.entries_of
    journal = DualControlTest.journal

    @classmethod
    def config_sections(cls, fx, admin):
        # A webhook target, so the holder's events and the notified stage are seen too.
        config = super().config_sections(fx, admin)
        ca_pem, cert, key = make_receiver_pki(os.path.join(fx.tmp, "receiver"))
        secret_path = os.path.join(fx.tmp, "webhook.secret")
        with open(secret_path, "wb") as f:
            f.write(SECRET)
        os.chmod(secret_path, 0o600)
        cls.receiver = Receiver(harness.free_port(), cert, key)
        config["notify"] = [{"name": "ra", "url": f"https://127.0.0.1:{cls.receiver.port}/hooks",
                             "ca_file": ca_pem, "secret_file": secret_path,
                             "timeout": "5s", "max_backoff": "1s"}]
        return config

    @classmethod
    def setUpClass(cls):
        cls.clock_dir = tempfile.mkdtemp(prefix="tanda-clock-")
        cls.clock_path = os.path.join(cls.clock_dir, "now")
        cls.write_clock(int(time.time()))
        os.environ["TANDA_TEST_CLOCK_FILE"] = cls.clock_path  # read by the server only
        try:
            super().setUpClass()
        finally:
            cls.addClassCleanup(shutil.rmtree, cls.clock_dir, True)
        cls.receiver.start()
        cls.addClassCleanup(cls.receiver.stop)

    @classmethod
    def tearDownClass(cls):
        os.environ.pop("TANDA_TEST_CLOCK_FILE", None)
        super().tearDownClass()

    @classmethod
    def write_clock(cls, t):
        with open(cls.clock_path + ".tmp", "w") as f:
            f.write(str(t))
        os.replace(cls.clock_path + ".tmp", cls.clock_path)

    def clock(self):
        with open(self.clock_path) as f:
            return int(f.read())

    def schedule(self, label, request_id, after, ca="ecdsa", reason="cessationOfOperation"):
        """A registered leaf and its revocation scheduled `after` seconds from the clock, approved
        by a second operator where the CA wants two; returns (leaf, effective_at)."""
        leaf = self.new_leaf(label, ca=getattr(self.pki, ca))
        effective = self.clock() + after
        body = self.revocation(leaf, request_id, ca=ca, reason=reason,
                               approved_at=rfc3339(self.clock() - 60),
                               effective_at=rfc3339(effective))
        status, answer, _ = self.post("/v1/revocations", body)
        if ca == "ecdsa":
            self.assertEqual(status, 202, answer)
            self.assertEqual(answer["status"], "pending")
            self.assertEqual(answer["effective_at"], rfc3339(effective))
            status, answer, _ = self.post(f"/v1/requests/{request_id}/approve",
                                          {"subject_dn": leaf.cert.subject.rfc4514_string()},
                                          client="operator2")
        self.assertEqual(status, 200 if ca == "ecdsa" else 201, answer)
        self.assertEqual(answer["status"], "scheduled", answer)
        self.assertEqual(answer["effective_at"], rfc3339(effective))
        return leaf, effective

    def events_of(self, request_id, until, timeout=10):
        """(type, body) of the webhook events acknowledged for the request, once `until` came."""
        deadline = time.monotonic() + timeout
        while True:
            got = [(d[1], d[2]) for d in self.receiver.snapshot()
                   if d[4] and d[2]["request_id"] == request_id]
            if until in [t for t, _ in got] or time.monotonic() > deadline:
                return got
            time.sleep(0.1)

    def notified_at(self, request_id, timeout=10):
        # Recorded once the receiver's 200 is back, a moment after it saw the event.
        deadline = time.monotonic() + timeout
        while True:
            at = self.status_of(request_id)["notified_at"]
            if at is not None or time.monotonic() > deadline:
                return at
            time.sleep(0.1)

    def status_of(self, request_id):
        status, body = self.call("GET", f"/v1/requests/{request_id}", client="auditor")
        self.assertEqual(status, 200, body)
        return body

    def journal_since(self, seq):
        status, body = self.call("GET", f"/v1/journal?since={seq}&limit=1000", client="auditor")
        self.assertEqual(status, 200, body)
        return body["entries"]

    def scheduled_ids(self):
        # GET /v1/scheduled also applies what is due first.
        status, body = self.call("GET", "/v1/scheduled", client="auditor")
        self.assertEqual(status, 200, body)
        return {s["request_id"]: s for s in body["scheduled"]}

    def single(self, leaf, ca="ecdsa"):
        return self.ocsp_status(getattr(self.pki, ca), leaf.serial)

    def test_applied_at_its_second_and_not_before(self):
        leaf, effective = self.schedule("sched-second", "sched-second", 100)
        listed = self.scheduled_ids()["sched-second"]
        self.assertEqual(listed["status"], "scheduled")
        self.assertEqual(listed["reason"], "cessationOfOperation")
        self.assertEqual(listed["effective_at"], rfc3339(effective))
        st = self.status_of("sched-second")
        self.assertEqual(st["status"], "scheduled")
        self.assertIsNone(st["expires_at"])  # a scheduled request does not lapse
        # An approved one is neither approved twice nor rejected by one operator.
        status, body, _ = self.post("/v1/requests/sched-second/reject", {"reason": "no"},
                                    client="operator3")
        self.assertEqual(status, 409, body)

        self.write_clock(effective - 1)
        self.assertIn("sched-second", self.scheduled_ids())
        self.assertEqual(self.single(leaf).certificate_status, ocsp.OCSPCertStatus.GOOD)
        self.assertEqual(self.status_of("sched-second")["status"], "scheduled")

        self.write_clock(effective)
        self.assertNotIn("sched-second", self.scheduled_ids())
        single = self.single(leaf)
        self.assertEqual(single.certificate_status, ocsp.OCSPCertStatus.REVOKED)
        self.assertEqual(single.revocation_reason, ReasonFlags.cessation_of_operation)
        self.assertEqual(single.revocation_time.replace(tzinfo=dt.timezone.utc).timestamp(),
                         effective)
        st = self.status_of("sched-second")
        self.assertIn(st["status"], ("applied", "success"))
        self.assertEqual(st["applied_at"], rfc3339(effective))
        self.assertEqual(st["effective_at"], rfc3339(effective))
        self.assertEqual(st["approved_at"], rfc3339(effective - 100))
        # (Its `notified` entry follows once the webhook target has answered.)
        entries = [e for e in self.entries_of("sched-second") if e["kind"] != "notified"]
        self.assertEqual([e["kind"] for e in entries], ["submitted", "scheduled", "revoke"])
        applied = entries[-1]
        self.assertEqual(applied["mode"], "dual")
        self.assertIn("CN=Admin operator2,", applied["approved_by_operator"])
        # The holder is told: scheduled (with when), then applied; no second "approved".
        events = self.events_of("sched-second", "applied")
        types = [t for t, _ in events if t != "success"]
        self.assertEqual(types, ["pending", "scheduled", "applied"])
        scheduled = dict(events)["scheduled"]
        self.assertEqual(scheduled["status"], "scheduled")
        self.assertEqual(scheduled["reason"], "cessationOfOperation")
        self.assertEqual(scheduled["note"], "scheduled: takes effect at " + rfc3339(effective))
        self.assertEqual(dict(events)["applied"]["applied_at"], rfc3339(effective))
        self.assertEqual(self.notified_at("sched-second"), rfc3339(effective))

    def test_stage_times_in_the_status_and_the_metrics(self):
        leaf = self.new_leaf("stages", ca=self.pki.ecdsa)
        t = self.clock()
        # Earlier tests' events reach the receiver asynchronously: wait until they all have, so
        # the deltas below count this request's stages alone.
        deadline = time.monotonic() + 20
        while harness.metric_value(harness.parse_metrics(harness.scrape_metrics(self.fx.server)),
                                   "tanda_notify_backlog_entries", target="ra") != 0:
            self.assertLess(time.monotonic(), deadline, "earlier webhook events still pending")
            time.sleep(0.1)
        before = harness.parse_metrics(harness.scrape_metrics(self.fx.server))
        status, body, _ = self.post("/v1/revocations", self.revocation(
            leaf, "stages", approved_at=rfc3339(t - 60)))
        self.assertEqual(status, 202, body)
        self.write_clock(t + 50)  # the second operator looks at it 50 s later
        text = harness.scrape_metrics(self.fx.server)
        self.assertEqual(harness.metric_value(harness.parse_metrics(text),
                                              "tanda_admin_oldest_pending_seconds"), 50)
        status, body, _ = self.post("/v1/requests/stages/approve",
                                    {"subject_dn": leaf.cert.subject.rfc4514_string()},
                                    client="operator2")
        self.assertEqual(status, 200, body)
        st = self.status_of("stages")
        self.assertEqual(st["received_at"], rfc3339(t))
        self.assertEqual(st["approved_at"], rfc3339(t + 50))
        self.assertEqual(st["applied_at"], rfc3339(t + 50))
        self.assertEqual(st["visible_in_ocsp_at"], rfc3339(t + 50))
        self.assertIn("published_in_crl", st)
        self.assertIn("applied", [t for t, _ in self.events_of("stages", "applied")])
        self.assertEqual(self.notified_at("stages"), rfc3339(t + 50))
        # Every stage is in the journal: the request's own entries, then its `notified` one.
        status, body = self.call("GET", "/v1/journal?request_id=stages", client="auditor")
        self.assertEqual(status, 200, body)
        kinds = [(e["kind"], e["time"]) for e in body["entries"]]
        self.assertEqual(kinds, [("submitted", rfc3339(t)), ("revoke", rfc3339(t + 50)),
                                 ("notified", rfc3339(t + 50))], body)
        notified = body["entries"][-1]
        self.assertEqual((notified["ca"], int(notified["serial"], 16)),
                         (body["entries"][1]["ca"], leaf.serial))
        self.assertTrue(notified["source"].startswith("notify;target=ra;event=tanda-"), notified)
        text = harness.scrape_metrics(self.fx.server)
        after = harness.parse_metrics(text)

        def delta(name, **labels):
            return (harness.metric_value(after, name, **labels) -
                    (harness.metric_value(before, name, **labels) or 0))

        self.assertEqual(delta("tanda_request_stage_seconds_count", stage="approved"), 1)
        self.assertEqual(delta("tanda_request_stage_seconds_sum", stage="approved"), 50)
        self.assertEqual(delta("tanda_request_stage_seconds_bucket", stage="approved", le="30"), 0)
        self.assertEqual(delta("tanda_request_stage_seconds_bucket", stage="approved", le="60"), 1)
        self.assertEqual(delta("tanda_request_stage_seconds_count", stage="applied"), 1)
        self.assertEqual(delta("tanda_request_stage_seconds_count", stage="visible_in_ocsp"), 1)
        self.assertEqual(delta("tanda_request_stage_seconds_count", stage="notified"), 1)
        self.assertEqual(delta("tanda_request_stage_seconds_sum", stage="notified"), 0)
        self.assertEqual(harness.metric_value(after, "tanda_admin_oldest_pending_seconds"), 0)
        if shutil.which("promtool"):
            checked = subprocess.run(["promtool", "check", "metrics"], input=text, text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            self.assertEqual(checked.returncode, 0, checked.stdout)

    def test_crl_stage_is_the_first_crl_that_covered_it(self):
        # rsa publishes CRLs (debounce 2 s, no delta) and takes one operator's revocation.
        leaf = self.new_leaf("crl-stage", ca=self.pki.rsa)
        t = self.clock()
        status, body = self.call("POST", "/v1/crls/rsa/generate")  # covers what came before
        self.assertEqual(status, 201, body)
        before = harness.parse_metrics(harness.scrape_metrics(self.fx.server))
        status, body, _ = self.post("/v1/revocations", self.revocation(
            leaf, "crl-stage", ca="rsa", approved_at=rfc3339(t - 60)))
        self.assertEqual(status, 201, body)
        st = self.status_of("crl-stage")
        self.assertEqual((st["applied_at"], st["visible_in_ocsp_at"]), (rfc3339(t), rfc3339(t)))
        self.assertIsNone(st["published_in_crl"], st)  # the clock stands still: no debounce yet
        self.assertEqual(st["status"], "applied")
        self.assertEqual(self.ocsp_status(self.pki.rsa, leaf.serial).certificate_status,
                         ocsp.OCSPCertStatus.REVOKED)

        self.write_clock(t + 40)  # the CRL thread's debounce is over 40 s later
        deadline = time.monotonic() + 10
        while st["published_in_crl"] is None and time.monotonic() < deadline:
            time.sleep(0.1)
            st = self.status_of("crl-stage")
        first = st["published_in_crl"]
        self.assertEqual(first["published_at"], rfc3339(t + 40), st)
        self.assertEqual(st["status"], "success")
        crl, number = self.served_crl("rsa")
        self.assertEqual(number, first["crl_number"])
        self.assertIsNotNone(crl.get_revoked_certificate_by_serial_number(leaf.serial))

        # The journal alone says both stages: the revocation's entry is visible in OCSP at its
        # own time, and one crl_published entry names the CA, the CRL, its thisUpdate and the
        # entries it covers, this revocation's among them.
        entries = self.journal_since(st["seq"])
        crl_entries = [e for e in entries if e["kind"] == "crl_published"]
        self.assertEqual(len(crl_entries), 1, entries)
        entry = crl_entries[0]
        self.assertEqual((entry["ca"], entry["time"]), ("rsa", rfc3339(t + 40)))
        self.assertEqual(entry["crl"]["number"], first["crl_number"])
        self.assertEqual(entry["crl"]["this_update"], rfc3339(t + 40))
        self.assertLessEqual(entry["crl"]["covers_from_seq"], st["seq"])
        self.assertGreaterEqual(entry["crl"]["covers_to_seq"], st["seq"])
        revocation = entries[0]
        self.assertEqual((revocation["request_id"], revocation["visible_in_ocsp_at"]),
                         ("crl-stage", rfc3339(t)))

        # A later CRL is served; the status still names the first one, and the later CRL,
        # which covers no new request, adds no crl_published entry.
        self.write_clock(t + 100)
        status, body = self.call("POST", "/v1/crls/rsa/generate")
        self.assertEqual(status, 201, body)
        self.assertGreater(body["crl_number"], first["crl_number"])
        self.assertEqual(self.status_of("crl-stage")["published_in_crl"], first)
        self.assertEqual([e for e in self.journal_since(st["seq"]) if e["kind"] == "crl_published"],
                         crl_entries)
        # The hash chain and the refold hold with the new entries, offline too.
        status, body = self.call("GET", "/v1/journal/verify", client="auditor")
        self.assertEqual((status, body["ok"], body["first_difference"]), (200, True, None), body)
        verified = harness.run_tanda("verify", "--config", self.fx.config_path)
        self.assertEqual(verified.returncode, 0, verified.stdout + verified.stderr)
        after = harness.parse_metrics(harness.scrape_metrics(self.fx.server))

        def delta(name, **labels):
            return (harness.metric_value(after, name, **labels) -
                    (harness.metric_value(before, name, **labels) or 0))

        self.assertEqual(delta("tanda_request_stage_seconds_count", stage="applied"), 1)
        self.assertEqual(delta("tanda_request_stage_seconds_count", stage="visible_in_ocsp"), 1)
        self.assertEqual(delta("tanda_request_stage_seconds_count", stage="crl_published"), 1)
        self.assertEqual(delta("tanda_request_stage_seconds_sum", stage="crl_published"), 40)
        self.assertEqual(delta("tanda_request_stage_seconds_bucket", stage="crl_published",
                               le="30"), 0)
        self.assertEqual(delta("tanda_request_stage_seconds_bucket", stage="crl_published",
                               le="60"), 1)

    def test_the_sweep_applies_it_after_a_restart(self):
        leaf, effective = self.schedule("sched-restart", "sched-restart", 50,
                                        reason="affiliationChanged")
        self.fx.server.stop()
        self.write_clock(effective + 10)  # its time passes while Tanda is down
        self.fx.serve()
        # Only the background sweep (every 2 s) applies it here: no admin call is made.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            single = self.single(leaf)
            if single.certificate_status == ocsp.OCSPCertStatus.REVOKED:
                break
            time.sleep(0.2)
        self.assertEqual(single.certificate_status, ocsp.OCSPCertStatus.REVOKED)
        self.assertEqual(single.revocation_reason, ReasonFlags.affiliation_changed)
        self.assertEqual(single.revocation_time.replace(tzinfo=dt.timezone.utc).timestamp(),
                         effective)
        self.assertEqual(self.status_of("sched-restart")["applied_at"], rfc3339(effective + 10))

    def test_cancelled_by_two_operators_before_it_takes_effect(self):
        leaf, effective = self.schedule("sched-cancel", "sched-cancel", 30)
        status, body, _ = self.post("/v1/requests/sched-cancel/cancel",
                                    {"reason": "term extended"})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["status"], "cancel_requested")
        self.assertEqual(self.status_of("sched-cancel")["status"], "scheduled")
        status, body, _ = self.post("/v1/requests/sched-cancel/cancel", {"reason": "again"})
        self.assertEqual(status, 403, body)  # the same operator twice is not two
        status, body, _ = self.post("/v1/requests/sched-cancel/cancel", {"reason": "agreed"},
                                    client="operator3")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["status"], "cancelled")
        self.write_clock(effective + 1)
        self.assertNotIn("sched-cancel", self.scheduled_ids())
        self.assertEqual(self.single(leaf).certificate_status, ocsp.OCSPCertStatus.GOOD)
        st = self.status_of("sched-cancel")
        self.assertEqual(st["status"], "cancelled")
        self.assertEqual(st["reason"], "cancelled: term extended")
        types = [t for t, _ in self.events_of("sched-cancel", "cancelled")]
        self.assertEqual(types, ["pending", "scheduled", "cancel_requested", "refused",
                                 "cancelled"])
        kinds = [e["kind"] for e in self.entries_of("sched-cancel")]
        self.assertEqual(kinds, ["submitted", "scheduled", "cancel_requested", "refused",
                                 "rejected"])
        status, body, _ = self.post("/v1/requests/sched-cancel/cancel", {"reason": "late"},
                                    client="operator4")
        self.assertEqual(status, 409, body)

    def test_one_operator_schedules_where_the_ca_wants_one(self):
        leaf, effective = self.schedule("sched-single", "sched-single", 20, ca="rsa")
        self.assertEqual(self.scheduled_ids()["sched-single"]["status"], "scheduled")
        self.write_clock(effective)
        self.assertNotIn("sched-single", self.scheduled_ids())
        self.assertEqual(self.single(leaf, ca="rsa").certificate_status,
                         ocsp.OCSPCertStatus.REVOKED)

    def test_bad_schedules_are_refused_naming_the_field(self):
        leaf = self.new_leaf("sched-bad", ca=self.pki.ecdsa)
        t = self.clock()
        base = dict(approved_at=rfc3339(t - 60), effective_at=rfc3339(t + 60),
                    reason="cessationOfOperation")
        for over, field in (({"reason": "keyCompromise"}, "reason"),
                            ({"effective_at": rfc3339(t - 1)}, "effective_at"),
                            ({"revoked_at": rfc3339(t - 5)}, "revoked_at"),
                            ({"effective_at": "tomorrow"}, "effective_at")):
            body = self.revocation(leaf, "sched-bad", **{**base, **over})
            status, answer, _ = self.post("/v1/revocations", body)
            self.assertEqual(status, 400, (over, answer))
            self.assertEqual(answer["error"]["field"], field, answer)
        status, answer, _ = self.post("/v1/requests/sched-bad/cancel", {"reason": "x"})
        self.assertEqual(status, 404, answer)

    def test_cli_lists_what_is_scheduled(self):
        self.schedule("sched-cli", "sched-cli", 500)
        cert, key = self.admin.pair("auditor")
        env = {k: v for k, v in os.environ.items() if not k.startswith("TANDA_ADMIN_")}
        r = run_tanda("admin", "scheduled", "--url", f"https://127.0.0.1:{self.fx.server.admin_port}",
                      "--cert", cert, "--key", key, "--cacert", self.admin.path_server_ca, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"request_id": "sched-cli"', r.stdout)
        self.assertIn('"status": "scheduled"', r.stdout)


# Only this suite's class runs here, not the imported ones.
del AdminTestCase, DualControlTest
