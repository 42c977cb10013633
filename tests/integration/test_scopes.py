"""Operators scoped to their agency (issue 21): three identities, a CA operator and the
operators of two agencies (by the subject's O), over real mutual TLS. Agency A can neither see
nor act on agency B's certificates; dual control composes with scopes, and a CA can require that
its own operator be the second approver."""

import datetime as dt
import json
import unittest

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509 import ocsp
from cryptography.x509.oid import NameOID

from harness import issue, now
from test_admin import EVIDENCE, AdminTestCase

NATUNA = "Pemerintah Kabupaten Natuna"
ANAMBAS = "Pemerintah Kabupaten Anambas"


class ScopeTest(AdminTestCase):

    # ecdsa: the CA's own operator must approve; rsa: any operator in scope may.
    CA_OPTIONS = {"ecdsa": {"approvals": 2, "require_ca_approver": True, "pending_ttl": "1h"},
                  "rsa": {"approvals": 2, "pending_ttl": "1h"}}

    @classmethod
    def config_sections(cls, fx, admin):
        sections = admin.config()
        cca = admin.client_ca.subject
        for serial, name in enumerate(["agency-a", "agency-a2", "agency-b", "agency-b2"], 60):
            admin.client(name, admin.client_ca_key, cca, serial, False)

        def role(name, scope):
            return {"role": "operator", "subject": f"CN=Admin {name},O=Tanda Integration,C=ID",
                    "scope": scope}
        sections["admin"]["roles"] += [
            role("agency-a", {"attributes": [f"O={NATUNA}"]}),
            role("agency-a2", {"attributes": [f"O={NATUNA}"]}),
            role("agency-b", {"attributes": [f"O={ANAMBAS}"], "ou_prefix": "Diskominfo"}),
            role("agency-b2", {"attributes": [f"O={ANAMBAS}"], "cas": ["rsa"]}),
        ]
        return sections

    # -- helpers --------------------------------------------------------------------------------

    def agency_leaf(self, ca, cn, org, ou="Diskominfo"):
        """A certificate of `ca` for a holder of agency `org`, registered by the CA operator."""
        serial = ca._next_serial
        ca._next_serial += 1
        t = now()
        subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
                             x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
                             x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou),
                             x509.NameAttribute(NameOID.COMMON_NAME, cn)])
        cert = issue(subject, ca.leaf_key.public_key(), ca.cert.subject, ca.key, serial,
                     t - dt.timedelta(days=1), t + dt.timedelta(days=365),
                     aki_from=ca.key.public_key())
        pem = cert.public_bytes(serialization.Encoding.PEM).decode()
        status, body = self.call("POST", "/v1/certificates", {"ca": ca.name, "certificates": [pem]})
        self.assertEqual(status, 200, body)
        return cert, pem

    def revoke_body(self, ca, cert, request_id):
        return {"request_id": request_id, "ca": ca.name, "serial": f"{cert.serial_number:X}",
                "reason": "affiliationChanged", "subject_dn": cert.subject.rfc4514_string(),
                "requested_by": "Budi (holder)", "approved_by": "Siti (supervisor)",
                "approved_at": now().strftime("%Y-%m-%dT%H:%M:%SZ"), "evidence_sha256": EVIDENCE}

    def assert_outside(self, status, body, rule, *hidden):
        self.assertEqual(status, 403, body)
        self.assertEqual(body["error"]["field"], "scope", body)
        self.assertEqual(body["error"]["rule"], rule, body)
        text = json.dumps(body)
        for secret in hidden:  # never the record's content
            self.assertNotIn(secret, text)

    def ocsp_of(self, ca, cert):
        return self.ocsp_status(ca, cert.serial_number).certificate_status

    def journal_serials(self, client, query=""):
        status, body = self.call("GET", "/v1/journal?since=1&limit=1000" + query, client=client)
        self.assertEqual(status, 200, body)
        return {int(e["serial"], 16) for e in body["entries"]}

    # -- agency A against agency B ------------------------------------------------------------

    def test_agency_a_can_neither_see_nor_act_on_agency_b(self):
        rsa = self.pki.rsa
        a_cert, _ = self.agency_leaf(rsa, "Andi Natuna", NATUNA)
        b_cert, b_pem = self.agency_leaf(rsa, "Bayu Anambas", ANAMBAS)
        b_serial = f"{b_cert.serial_number:X}"
        rule_a = f"O={NATUNA}"

        # Show: its own, yes; B's, 403 naming A's rule, nothing of B's record.
        status, body = self.call("GET", f"/v1/certificates/rsa/{a_cert.serial_number:X}",
                                 client="agency-a")
        self.assertEqual(status, 200, body)
        self.assertIn(NATUNA, body["subject_dn"])
        status, body = self.call("GET", f"/v1/certificates/rsa/{b_serial}", client="agency-a")
        self.assert_outside(status, body, rule_a, "Anambas", "Bayu")

        # Submit and release of B's certificate: 403, nothing journaled or pending.
        before = self.journal_count()
        status, body = self.call("POST", "/v1/revocations",
                                 self.revoke_body(rsa, b_cert, "scope-a-on-b"), client="agency-a")
        self.assert_outside(status, body, rule_a, "Anambas", "Bayu")
        status, body = self.call("POST", f"/v1/revocations/rsa/{b_serial}/release",
                                 {"request_id": "scope-a-rel-b", "requested_by": "x",
                                  "approved_by": "y",
                                  "approved_at": now().strftime("%Y-%m-%dT%H:%M:%SZ")},
                                 client="agency-a")
        self.assert_outside(status, body, rule_a, "Anambas", "Bayu")
        # Register B's certificate: refused, naming the entry of the caller's own body.
        status, body = self.call("POST", "/v1/certificates", {"ca": "rsa", "certificates": [b_pem]},
                                 client="agency-a")
        self.assertEqual(status, 403, body)
        self.assertEqual(body["error"]["field"], "certificates[0]")
        self.assertEqual(body["error"]["rule"], rule_a)
        self.assertEqual(self.journal_count(), before)
        self.assertEqual(self.ocsp_of(rsa, b_cert), ocsp.OCSPCertStatus.GOOD)

        # B's own operator submits; A can neither read, approve, reject nor list the request.
        status, body = self.call("POST", "/v1/revocations",
                                 self.revoke_body(rsa, b_cert, "scope-b-own"), client="agency-b")
        self.assertEqual(status, 202, body)
        status, body = self.call("GET", "/v1/requests/scope-b-own", client="agency-a")
        self.assert_outside(status, body, rule_a, "Anambas", "Bayu", b_serial)
        for verb, decision in (("approve", {"subject_dn": b_cert.subject.rfc4514_string()}),
                               ("reject", {"reason": "not ours"})):
            status, body = self.call("POST", f"/v1/requests/scope-b-own/{verb}", decision,
                                     client="agency-a")
            self.assert_outside(status, body, rule_a, "Anambas", "Bayu")
        status, body = self.call("GET", "/v1/requests/scope-b-own", client="agency-b")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["status"], "pending")
        status, listed = self.call("GET", "/v1/requests?status=all", client="agency-a")
        self.assertEqual(status, 200, listed)
        self.assertNotIn("scope-b-own", [r["request_id"] for r in listed["requests"]])
        status, listed = self.call("GET", "/v1/requests", client="agency-b")
        self.assertIn("scope-b-own", [r["request_id"] for r in listed["requests"]])
        status, listed = self.call("GET", "/v1/requests", client="operator")
        self.assertIn("scope-b-own", [r["request_id"] for r in listed["requests"]])

        # Journal reads are filtered: A sees its own holder's entries, never B's.
        seen_a = self.journal_serials("agency-a")
        self.assertIn(a_cert.serial_number, seen_a)
        self.assertNotIn(b_cert.serial_number, seen_a)
        self.assertEqual(self.journal_serials("agency-a", f"&serial={b_serial}"), set())
        self.assertIn(b_cert.serial_number, self.journal_serials("agency-b"))
        self.assertNotIn(a_cert.serial_number, self.journal_serials("agency-b"))
        everything = self.journal_serials("operator")
        self.assertTrue({a_cert.serial_number, b_cert.serial_number} <= everything)
        # Calls over every CA's records are the CA's own operators'.
        for path in ("/v1/journal/verify", "/v1/blocks"):
            status, body = self.call("GET", path, client="agency-a")
            self.assertEqual(status, 403, (path, body))
        status, body = self.call("GET", "/v1/journal/verify", client="operator")
        self.assertEqual(status, 200, body)

    def test_a_ca_list_limits_the_cas_an_agency_reaches(self):
        cert, pem = self.agency_leaf(self.pki.ecdsa, "Bunga Anambas", ANAMBAS)
        # agency-b2 holds B's attribute but only CA rsa.
        status, body = self.call("GET", f"/v1/certificates/ecdsa/{cert.serial_number:X}",
                                 client="agency-b2")
        self.assert_outside(status, body, "cas: rsa", "Bunga")
        status, body = self.call("GET", "/v1/journal?ca=ecdsa", client="agency-b2")
        self.assert_outside(status, body, "cas: rsa")
        self.assertNotIn(cert.serial_number, self.journal_serials("agency-b2"))
        status, body = self.call("GET", f"/v1/certificates/ecdsa/{cert.serial_number:X}",
                                 client="agency-b")
        self.assertEqual(status, 200, body)

    def test_an_ou_prefix_rule(self):
        cert, _ = self.agency_leaf(self.pki.rsa, "Cici Anambas", ANAMBAS, ou="Dinas Kesehatan")
        status, body = self.call("GET", f"/v1/certificates/rsa/{cert.serial_number:X}",
                                 client="agency-b")
        self.assert_outside(status, body, "ou_prefix: Diskominfo", "Cici", "Kesehatan")

    # -- dual control composes with scopes ----------------------------------------------------

    def test_the_approver_must_be_in_scope_too(self):
        rsa = self.pki.rsa
        cert, _ = self.agency_leaf(rsa, "Dedi Natuna", NATUNA)
        status, body = self.call("POST", "/v1/revocations",
                                 self.revoke_body(rsa, cert, "scope-dual"), client="agency-a")
        self.assertEqual(status, 202, body)
        approval = {"subject_dn": cert.subject.rfc4514_string()}
        status, body = self.call("POST", "/v1/requests/scope-dual/approve", approval,
                                 client="agency-b")
        self.assert_outside(status, body, f"O={ANAMBAS}", "Natuna", "Dedi")
        status, body = self.call("POST", "/v1/requests/scope-dual/approve", approval,
                                 client="agency-a")
        self.assertEqual(status, 403, body)  # the submitter itself
        self.assertEqual(self.ocsp_of(rsa, cert), ocsp.OCSPCertStatus.GOOD)
        status, body = self.call("POST", "/v1/requests/scope-dual/approve", approval,
                                 client="agency-a2")
        self.assertEqual(status, 200, body)
        self.assertEqual(self.ocsp_of(rsa, cert), ocsp.OCSPCertStatus.REVOKED)
        status, body = self.call("GET", "/v1/requests/scope-dual", client="agency-a")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["request_id"], "scope-dual")
        # Applied, it stays out of B's reach, and B cannot learn that it was applied (no 409).
        status, body = self.call("GET", "/v1/requests/scope-dual", client="agency-b")
        self.assert_outside(status, body, f"O={ANAMBAS}", "Natuna", "Dedi", "applied")
        status, body = self.call("POST", "/v1/requests/scope-dual/approve", approval,
                                 client="agency-b")
        self.assert_outside(status, body, f"O={ANAMBAS}", "Natuna", "Dedi", "applied")

    def test_a_ca_can_require_its_own_operator_as_approver(self):
        ecdsa = self.pki.ecdsa
        cert, _ = self.agency_leaf(ecdsa, "Eka Natuna", NATUNA)
        status, body = self.call("POST", "/v1/revocations",
                                 self.revoke_body(ecdsa, cert, "scope-ca-approver"),
                                 client="agency-a")
        self.assertEqual(status, 202, body)
        approval = {"subject_dn": cert.subject.rfc4514_string()}
        status, body = self.call("POST", "/v1/requests/scope-ca-approver/approve", approval,
                                 client="agency-a2")
        self.assertEqual(status, 403, body)
        self.assertEqual(body["error"]["rule"], "require_ca_approver")
        self.assertEqual(self.ocsp_of(ecdsa, cert), ocsp.OCSPCertStatus.GOOD)
        # The refusal is journaled, and agency A sees it: it is about its own holder.
        status, page = self.call("GET", "/v1/journal?request_id=scope-ca-approver",
                                 client="agency-a")
        self.assertEqual(status, 200, page)
        kinds = [e["kind"] for e in page["entries"]]
        self.assertEqual(kinds, ["submitted", "refused"])
        status, body = self.call("POST", "/v1/requests/scope-ca-approver/approve", approval,
                                 client="operator")
        self.assertEqual(status, 200, body)
        self.assertEqual(self.ocsp_of(ecdsa, cert), ocsp.OCSPCertStatus.REVOKED)


    # -- scheduled revocations follow scopes too ----------------------------------------------

    def scheduled_ids(self, client):
        status, body = self.call("GET", "/v1/scheduled", client=client)
        self.assertEqual(status, 200, body)
        return [s["request_id"] for s in body["scheduled"]]

    def test_the_scheduled_list_and_cancel_follow_scopes(self):
        rsa = self.pki.rsa
        cert, _ = self.agency_leaf(rsa, "Fajar Anambas", ANAMBAS)
        effective = (now() + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
        status, body = self.call("POST", "/v1/revocations",
                                 {**self.revoke_body(rsa, cert, "scope-sched"),
                                  "effective_at": effective}, client="agency-b")
        self.assertEqual(status, 202, body)
        status, body = self.call("POST", "/v1/requests/scope-sched/approve",
                                 {"subject_dn": cert.subject.rfc4514_string()},
                                 client="agency-b2")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["status"], "scheduled", body)

        # Listed for B's operators and the CA's, not for A's.
        self.assertIn("scope-sched", self.scheduled_ids("agency-b"))
        self.assertIn("scope-sched", self.scheduled_ids("operator"))
        self.assertNotIn("scope-sched", self.scheduled_ids("agency-a"))

        # A cannot cancel it, neither first nor as the second operator; nothing is recorded.
        before = self.journal_count()
        status, body = self.call("POST", "/v1/requests/scope-sched/cancel", {"reason": "x"},
                                 client="agency-a")
        self.assert_outside(status, body, f"O={NATUNA}", "Anambas", "Fajar")
        self.assertEqual(self.journal_count(), before)
        status, body = self.call("POST", "/v1/requests/scope-sched/cancel",
                                 {"reason": "term extended"}, client="agency-b")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["status"], "cancel_requested")
        status, body = self.call("POST", "/v1/requests/scope-sched/cancel", {"reason": "x"},
                                 client="agency-a")
        self.assert_outside(status, body, f"O={NATUNA}", "Anambas", "Fajar")
        status, body = self.call("GET", "/v1/requests/scope-sched", client="agency-b")
        self.assertEqual(body["status"], "scheduled", body)

        # B's second operator completes the cancel; the list no longer has it.
        status, body = self.call("POST", "/v1/requests/scope-sched/cancel", {"reason": "agreed"},
                                 client="agency-b2")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["status"], "cancelled")
        self.assertNotIn("scope-sched", self.scheduled_ids("operator"))
        self.assertEqual(self.ocsp_of(rsa, cert), ocsp.OCSPCertStatus.GOOD)


if __name__ == "__main__":
    unittest.main()
