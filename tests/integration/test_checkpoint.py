"""Signed journal checkpoints: POST /v1/checkpoints signs the journal head and writes
checkpoint-<seq>.p7s, which `openssl cms -verify` checks without Tanda and `tanda verify
--checkpoint` checks against the index. History rewritten behind Tanda's back with a recomputed
hash chain passes the plain `tanda verify` and fails against the checkpoint."""

import base64
import hashlib
import json
import os
import struct
import subprocess
import unittest

from harness import metric_value, parse_metrics, run_tanda, scrape_metrics
from test_admin import AdminTestCase

try:
    import lmdb
except ImportError:  # Debian's python3-lmdb (scripts/install-deps.sh)
    lmdb = None


def make_signer(directory, name):
    """A self-signed P-256 certificate and its 0600 key, as an operator would make them."""
    key, cert = os.path.join(directory, f"{name}.key"), os.path.join(directory, f"{name}.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "30", "-subj", f"/CN=Tanda {name}",
                    "-addext", "keyUsage=critical,digitalSignature"],
                   check=True, capture_output=True)
    os.chmod(key, 0o600)
    return cert, key


def rewrite_history(data_dir, seq):
    """Changes journal entry `seq` (its commit time) and recomputes every later hash and the
    recorded head, so the chain verifies (FORMAT.md, "Journal")."""
    env = lmdb.open(data_dir, max_dbs=8, subdir=True)
    try:
        with env.begin(write=True) as txn:
            journal = env.open_db(b"journal", txn=txn, create=False)
            meta = env.open_db(b"meta", txn=txn, create=False)
            prev = None
            last = seq
            for key, value in list(txn.cursor(db=journal).iternext()):
                n = struct.unpack(">Q", key)[0]
                if n < seq:
                    continue
                entry = bytearray(value)
                if n == seq:
                    entry[32 + 1 + 8] ^= 1  # the time field
                else:
                    entry[:32] = prev
                body = bytes(entry[:-32])
                entry[-32:] = hashlib.sha256(body).digest()
                prev = bytes(entry[-32:])
                txn.put(key, bytes(entry), db=journal)
                last = n
            txn.put(b"tanda.journal_head", struct.pack("<Q", last) + prev, db=meta)
    finally:
        env.close()


@unittest.skipIf(lmdb is None, "python3-lmdb is not installed")
class CheckpointTest(AdminTestCase):

    @classmethod
    def config_sections(cls, fx, admin):
        cls.cert, key = make_signer(fx.tmp, "checkpoints")
        cls.other = make_signer(fx.tmp, "other")[0]
        cls.dir = os.path.join(fx.tmp, "checkpoints")
        sections = admin.config()
        sections["checkpoint"] = {"certificate": cls.cert, "key": key, "directory": cls.dir,
                                  "interval": "0"}
        return sections

    def verify(self, *extra):
        return run_tanda("verify", "--config", self.fx.config_path, *extra)

    def admin_cli(self, role, *args):
        cert, key = self.admin.pair(role)
        r = run_tanda("admin", *args, "--url", f"https://127.0.0.1:{self.fx.server.admin_port}",
                      "--cert", cert, "--key", key, "--cacert", self.admin.path_server_ca)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r.stdout

    def openssl_verify(self, path):
        return subprocess.run(["openssl", "cms", "-verify", "-inform", "DER", "-in", path,
                               "-CAfile", self.cert, "-binary"], capture_output=True)

    def test_checkpoint_detects_rewritten_history(self):
        status, body = self.call("GET", "/v1/checkpoints/latest", client="auditor")
        self.assertEqual(status, 404, body)
        leaf = self.new_leaf("checkpoint-1")
        status, body = self.call("POST", "/v1/revocations", self.revocation(leaf, "ckpt-r1"))
        self.assertEqual(status, 201, body)
        revoke_seq = body["seq"]

        status, body = self.call("POST", "/v1/checkpoints", client="auditor")
        self.assertEqual(status, 403, body)
        status, made = self.call("POST", "/v1/checkpoints")
        self.assertEqual(status, 201, made)
        self.assertEqual(made["seq"], revoke_seq)
        path = os.path.join(self.dir, f"checkpoint-{revoke_seq}.p7s")
        self.assertEqual(made["file"], os.path.basename(path))
        with open(path, "rb") as f:
            self.assertEqual(f.read(), base64.b64decode(made["checkpoint"]))
        status, latest = self.call("GET", "/v1/checkpoints/latest", client="auditor")
        self.assertEqual(status, 200, latest)
        self.assertEqual(latest, made)
        samples = parse_metrics(scrape_metrics(self.fx.server))
        self.assertEqual(metric_value(samples, "tanda_checkpoint_last_seq"), revoke_seq)
        self.assertGreater(metric_value(samples, "tanda_checkpoint_last_time_seconds"), 0)

        # An auditor checks it with OpenSSL alone: the payload is the signed statement.
        r = self.openssl_verify(path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.decode(),
                         f"tanda-checkpoint 1\nseq: {revoke_seq}\nhead: {made['head']}\n"
                         f"time: {made['time']}\n")

        # The CLI wraps both routes: --latest as the auditor, a new checkpoint as the operator.
        self.assertEqual(json.loads(self.admin_cli("auditor", "checkpoint", "--latest")), made)
        again = json.loads(self.admin_cli("operator", "checkpoint"))
        self.assertEqual((again["seq"], again["head"]), (made["seq"], made["head"]))

        # History moves on after the checkpoint; the checkpoint still holds.
        later = self.new_leaf("checkpoint-2")
        status, body = self.call("POST", "/v1/revocations", self.revocation(later, "ckpt-r2"))
        self.assertEqual(status, 201, body)
        r = self.verify("--checkpoint", path)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn(f"CHECKPOINT OK: journal entry {revoke_seq}", r.stdout)
        r = self.verify("--checkpoint", path, "--checkpoint-cert", self.other)
        self.assertEqual(r.returncode, 4, r.stdout + r.stderr)
        self.assertIn("INVALID", r.stdout)

        # Rewrite entry revoke_seq and re-chain everything after it, behind tanda's back.
        self.fx.server.stop()
        rewrite_history(os.path.join(self.fx.tmp, "data"), revoke_seq)
        r = self.verify()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)  # the chain alone sees nothing
        r = self.verify("--checkpoint", path)
        self.assertEqual(r.returncode, 5, r.stdout + r.stderr)
        self.assertIn(f"REWRITTEN: journal entry {revoke_seq} has hash", r.stdout)
        self.assertEqual(self.openssl_verify(path).returncode, 0)  # the checkpoint itself holds


if __name__ == "__main__":
    unittest.main()
