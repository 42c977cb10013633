"""Which I/O backend serves: `tanda serve` execs tanda-io-uring (Asio on io_uring) where this
process may use io_uring, and stays on epoll where it may not, or when TANDA_IO_BACKEND=epoll.

A seccomp filter that fails io_uring_setup(2) with EPERM, as container runtimes' default profiles
do, stands in for a machine that refuses io_uring.
"""

import ctypes
import errno
import os
import re
import shutil
import subprocess
import unittest
import urllib.request

from cryptography.x509 import ocsp

import harness
from harness import Fixture, Server, single_request

HERE = os.path.dirname(os.path.abspath(__file__))
IO_URING_AVAILABLE = os.path.join(HERE, "..", "..", "scripts", "io-uring-available")
SYS_IO_URING_SETUP = 425  # the same number on every architecture since Linux 5.1


def io_uring_allowed():
    return subprocess.run([IO_URING_AVAILABLE], stderr=subprocess.DEVNULL).returncode == 0


class SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte),
                ("k", ctypes.c_uint)]


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(SockFilter))]


def refuse_io_uring():
    """preexec_fn: io_uring_setup(2) fails with EPERM from here on, in this process and tanda."""
    program = (SockFilter * 4)(
        SockFilter(0x20, 0, 0, 0),  # BPF_LD|BPF_W|BPF_ABS: A = seccomp_data.nr
        SockFilter(0x15, 0, 1, SYS_IO_URING_SETUP),  # BPF_JMP|BPF_JEQ|BPF_K
        SockFilter(0x06, 0, 0, 0x00050000 | errno.EPERM),  # BPF_RET: SECCOMP_RET_ERRNO
        SockFilter(0x06, 0, 0, 0x7FFF0000))  # BPF_RET: SECCOMP_RET_ALLOW
    fprog = SockFprog(len(program), program)
    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_no_new_privs, pr_set_seccomp, seccomp_mode_filter = 38, 22, 2
    ulong = ctypes.c_ulong
    if libc.prctl(pr_set_no_new_privs, ulong(1), ulong(0), ulong(0), ulong(0)) != 0 or \
            libc.prctl(pr_set_seccomp, ulong(seccomp_mode_filter), ctypes.byref(fprog),
                       ulong(0), ulong(0)) != 0:
        raise OSError(ctypes.get_errno(), "seccomp filter")


def seccomp_or_skip(test):
    """Skips `test` where this process cannot install a seccomp filter in a child."""
    try:
        subprocess.run(["true"], preexec_fn=refuse_io_uring, check=True)
    except (OSError, subprocess.SubprocessError) as e:
        test.skipTest(f"cannot install a seccomp filter here: {e}")


def io_uring_binary():
    path = os.path.join(os.path.dirname(harness.tanda_bin()), "tanda-io-uring")
    if not os.access(path, os.X_OK):
        raise unittest.SkipTest(f"no {path}: built with -DTANDA_IO_URING=OFF")
    return path


def place(source, target):
    """A hard link of `source` at `target` (a copy across file systems); returns target."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
    return target


class IoBackendTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.fx = Fixture()
        cls.addClassCleanup(cls.fx.close)
        cls.env = {k: v for k, v in os.environ.items() if k != "TANDA_IO_BACKEND"}
        cls.runs = 0

    def serve(self, backend=None, binary=None, preexec_fn=None):
        env = dict(self.env, **({"TANDA_IO_BACKEND": backend} if backend else {}))
        IoBackendTest.runs += 1
        server = Server(["serve", "--config", self.fx.config_path], self.fx.tmp,
                        name=f"serve{self.runs}", preexec_fn=preexec_fn, binary=binary, env=env)
        server.start()
        self.addCleanup(server.stop)
        self.assert_answers(server)
        return server

    def run_refused(self, backend, preexec_fn=None):
        env = dict(self.env, TANDA_IO_BACKEND=backend)
        return subprocess.run([harness.tanda_bin(), "serve", "--config", self.fx.config_path],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env, preexec_fn=preexec_fn, timeout=60)

    def assert_answers(self, server):
        """A nonce request is signed and answered good, a revoked certificate revoked."""
        ca = self.fx.pki.ecdsa
        for label, status in [("good", ocsp.OCSPCertStatus.GOOD),
                              ("revoked", ocsp.OCSPCertStatus.REVOKED)]:
            der = single_request(ca.cert, ca.leaves[label].serial, nonce=os.urandom(16))
            req = urllib.request.Request(server.url, data=der, method="POST",
                                         headers={"Content-Type": "application/ocsp-request"})
            with urllib.request.urlopen(req, timeout=30) as r:
                resp = ocsp.load_der_ocsp_response(r.read())
            self.assertEqual(resp.response_status, ocsp.OCSPResponseStatus.SUCCESSFUL)
            self.assertEqual(resp.certificate_status, status)
            self.assertEqual(resp.serial_number, ca.leaves[label].serial)

    def backend(self, server):
        m = re.search(r"msg=listening\b.*\bio_backend=(\S+)", server.stderr())
        self.assertIsNotNone(m, server.stderr())
        return m.group(1)

    def fallback_reason(self, server):
        m = re.search(r'msg="serving on epoll, not io_uring" reason="([^"]*)"', server.stderr())
        return m.group(1) if m else None

    def exe(self, server):
        return os.readlink(f"/proc/{server.proc.pid}/exe")

    def test_default_is_io_uring_where_allowed(self):
        sibling = io_uring_binary()
        server = self.serve()
        if io_uring_allowed():
            self.assertEqual(self.backend(server), "io_uring")
            self.assertEqual(self.exe(server), os.path.realpath(sibling))
            self.assertIsNone(self.fallback_reason(server), server.stderr())
        else:
            self.assertEqual(self.backend(server), "epoll")
            self.assertIsNotNone(self.fallback_reason(server), server.stderr())

    def test_epoll_when_asked(self):
        server = self.serve(backend="epoll")
        self.assertEqual(self.backend(server), "epoll")
        self.assertEqual(self.exe(server), os.path.realpath(harness.tanda_bin()))
        self.assertIsNone(self.fallback_reason(server), server.stderr())

    def test_epoll_where_seccomp_refuses_io_uring(self):
        io_uring_binary()
        seccomp_or_skip(self)
        server = self.serve(preexec_fn=refuse_io_uring)
        self.assertEqual(self.backend(server), "epoll")
        self.assertEqual(self.exe(server), os.path.realpath(harness.tanda_bin()))
        self.assertEqual(self.fallback_reason(server),
                         "io_uring_queue_init: Operation not permitted")

    def test_io_uring_demanded_where_refused_is_an_error(self):
        io_uring_binary()
        seccomp_or_skip(self)
        r = self.run_refused("io_uring", preexec_fn=refuse_io_uring)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stderr, "tanda: TANDA_IO_BACKEND=io_uring, but io_uring_queue_init: "
                                   "Operation not permitted\n")

    def test_unknown_backend_is_a_config_error(self):
        r = self.run_refused("kqueue")
        self.assertEqual(r.returncode, 78, r.stderr)
        self.assertEqual(r.stderr,
                         "tanda: TANDA_IO_BACKEND must be auto, epoll or io_uring, not 'kqueue'\n")

    def test_installed_layout(self):
        """bin/tanda finds ../libexec/tanda/tanda-io-uring, as `make install` and the .deb lay
        them out; without it, it serves on epoll and says why."""
        root = os.path.join(self.fx.tmp, "usr")
        os.makedirs(os.path.join(root, "bin"))
        os.makedirs(os.path.join(root, "libexec", "tanda"))
        tanda = place(harness.tanda_bin(), os.path.join(root, "bin", "tanda"))
        sibling = place(io_uring_binary(),
                        os.path.join(root, "libexec", "tanda", "tanda-io-uring"))
        if io_uring_allowed():
            server = self.serve(binary=tanda)
            self.assertEqual(self.backend(server), "io_uring")
            self.assertEqual(self.exe(server), os.path.realpath(sibling))
            server.stop()
        os.remove(sibling)
        server = self.serve(binary=tanda)
        self.assertEqual(self.backend(server), "epoll")
        self.assertEqual(self.fallback_reason(server),
                         "tanda-io-uring is neither beside this binary nor in ../libexec/tanda")


if __name__ == "__main__":
    unittest.main()
