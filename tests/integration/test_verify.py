"""The journal proves the state: a revocation un-done by editing its record in LMDB behind
Tanda's back (python3-lmdb) is found by the offline `tanda verify --config` (read-only, next to a
running server) and by GET /v1/journal/verify, which name the serial; a broken hash chain is its
own exit code."""

import os
import struct
import unittest

from cryptography.x509 import ocsp

from harness import run_tanda
from test_admin import AdminTestCase

try:
    import lmdb
except ImportError:  # Debian's python3-lmdb (scripts/install-deps.sh)
    lmdb = None


def magnitude(serial):
    return serial.to_bytes(max(1, (serial.bit_length() + 7) // 8), "big")


def issuer_id(env, name):
    """The issuer id the index gave CA `name` (FORMAT.md, "Issuer ids")."""
    with env.begin() as txn:
        for key, value in txn.cursor(db=env.open_db(b"issuer_ids", txn=txn, create=False)):
            ident_len = struct.unpack_from("<H", value, 1)[0]
            name_len = struct.unpack_from("<H", value, 3 + ident_len)[0]
            if value[5 + ident_len:5 + ident_len + name_len] == name.encode():
                return struct.unpack(">I", key)[0]
    raise AssertionError(f"no issuer named {name}")


def unrevoke(data_dir, ca, serial):
    """Sets the record's state to issued, reason 0 and revoked_at 0, keeping last_seq."""
    env = lmdb.open(data_dir, max_dbs=8, subdir=True)
    try:
        key = struct.pack(">I", issuer_id(env, ca)) + magnitude(serial)
        with env.begin(write=True) as txn:
            records = env.open_db(b"records", txn=txn, create=False)
            record = bytearray(txn.get(key, db=records))
            assert record[9] == 2, "the record should be revoked before the edit"
            record[9], record[10] = 1, 0  # FORMAT.md, "Certificate record"
            record[12:20] = bytes(8)
            txn.put(key, bytes(record), db=records)
    finally:
        env.close()


def break_chain(data_dir, seq):
    """Flips a byte in the time field of journal entry `seq`."""
    env = lmdb.open(data_dir, max_dbs=8, subdir=True)
    try:
        with env.begin(write=True) as txn:
            journal = env.open_db(b"journal", txn=txn, create=False)
            key = struct.pack(">Q", seq)
            entry = bytearray(txn.get(key, db=journal))
            entry[32 + 1 + 8] ^= 1
            txn.put(key, bytes(entry), db=journal)
    finally:
        env.close()


@unittest.skipIf(lmdb is None, "python3-lmdb is not installed")
class VerifyTamperTest(AdminTestCase):

    def verify_offline(self):
        return run_tanda("verify", "--config", self.fx.config_path)

    def test_unrevoked_record_is_found(self):
        leaf = self.new_leaf("verify-tamper")
        status, body = self.call("POST", "/v1/revocations", self.revocation(leaf, "verify-r1"))
        self.assertEqual(status, 201, body)
        revoke_seq = body["seq"]
        serial_hex = f"{leaf.serial:X}"

        # Intact, and verified offline while the server runs.
        r = self.verify_offline()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("OK", r.stdout)
        status, check = self.call("GET", "/v1/journal/verify", client="auditor")
        self.assertEqual(status, 200, check)
        self.assertTrue(check["ok"], check)
        self.assertIsNone(check["first_difference"])

        self.fx.server.stop()
        data_dir = os.path.join(self.fx.tmp, "data")
        unrevoke(data_dir, "ecdsa", leaf.serial)

        r = self.verify_offline()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertRegex(r.stdout, rf"serial 0*{serial_hex}\b")
        self.assertIn("state", r.stdout)
        self.assertIn(f"journal seq {revoke_seq}", r.stdout)

        self.fx.serve()
        # The edit took effect: OCSP now says good, which is why verify must catch it.
        resp = self.ocsp_status(self.pki.ecdsa, leaf.serial)
        self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.GOOD)
        status, check = self.call("GET", "/v1/journal/verify", client="auditor")
        self.assertEqual(status, 200, check)
        self.assertFalse(check["ok"], check)
        self.assertIsNone(check["first_bad_seq"])  # the hash chain alone sees nothing
        diff = check["first_difference"]
        self.assertIsNotNone(diff, check)
        self.assertEqual(diff["ca"], "ecdsa")
        self.assertEqual(int(diff["serial"], 16), leaf.serial)
        self.assertEqual(diff["field"], "state")
        self.assertEqual(diff["journal_seq"], revoke_seq)
        cert, key = self.admin.pair("auditor")
        r = run_tanda("admin", "verify", "--url", f"https://127.0.0.1:{self.fx.server.admin_port}",
                      "--cert", cert, "--key", key, "--cacert", self.admin.path_server_ca)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn('"first_difference"', r.stdout)

        # A broken hash chain is reported before any refold, with its own exit code.
        self.fx.server.stop()
        break_chain(data_dir, revoke_seq)
        r = self.verify_offline()
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertIn(f"seq {revoke_seq}", r.stdout)


if __name__ == "__main__":
    unittest.main()
