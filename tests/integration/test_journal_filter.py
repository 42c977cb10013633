"""GET /v1/journal and `tanda admin journal` filter by CA, serial, request id and a time range;
a bad filter value is 400 with a JSON error naming it."""

import datetime as dt
import unittest
import urllib.parse

from harness import now, run_tanda
from test_admin import AdminTestCase


def rfc3339(t):
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class JournalFilterTest(AdminTestCase):

    def journal(self, **query):
        status, body = self.call("GET", "/v1/journal?" + urllib.parse.urlencode(query),
                                 client="auditor")
        self.assertEqual(status, 200, body)
        return body

    def test_filters(self):
        start = now() - dt.timedelta(seconds=1)
        a, b = self.new_leaf("filter-a"), self.new_leaf("filter-b")
        for leaf, rid in ((a, "filter:req@a"), (b, "filter-b")):
            status, body = self.call("POST", "/v1/revocations", self.revocation(leaf, rid))
            self.assertEqual(status, 201, body)

        by_id = self.journal(request_id="filter:req@a")["entries"]
        self.assertEqual([e["request_id"] for e in by_id], ["filter:req@a"])
        self.assertEqual(int(by_id[0]["serial"], 16), a.serial)
        by_serial = self.journal(ca="ecdsa", serial=f"{b.serial:x}")["entries"]
        self.assertEqual([e["kind"] for e in by_serial], ["register", "revoke"])
        self.assertTrue(all(int(e["serial"], 16) == b.serial for e in by_serial))
        self.assertEqual(self.journal(ca="rsa", serial=f"{b.serial:x}")["entries"], [])
        recent = self.journal(**{"from": rfc3339(start)})
        self.assertTrue(recent["at_end"])
        self.assertGreaterEqual(len(recent["entries"]), 4)
        self.assertEqual(self.journal(to=rfc3339(start - dt.timedelta(days=3650)))["entries"], [])

        for query, field in (("serial=zz", "serial"), ("from=yesterday", "from"),
                             (f"from={rfc3339(start)}&to=2000-01-01T00:00:00Z", "from")):
            status, body = self.call("GET", "/v1/journal?" + query, client="auditor")
            self.assertEqual(status, 400, body)
            self.assertEqual(body["error"]["field"], field, body)
        status, body = self.call("GET", "/v1/journal?ca=nope", client="auditor")
        self.assertEqual(status, 404, body)

        cert, key = self.admin.pair("auditor")
        r = run_tanda("admin", "journal", "--url",
                      f"https://127.0.0.1:{self.fx.server.admin_port}", "--cert", cert, "--key",
                      key, "--cacert", self.admin.path_server_ca, "--request-id", "filter:req@a",
                      "--from", rfc3339(start))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("filter:req@a", r.stdout)
        self.assertNotIn("filter-b", r.stdout)


if __name__ == "__main__":
    unittest.main()
