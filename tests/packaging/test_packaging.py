"""The systemd unit, sysusers.d/tmpfiles.d files, the Debian package, the man page and --help.

Run with Debian's /usr/bin/python3. Environment: TANDA_BIN (the built binary), TANDA_SOURCE_DIR,
TANDA_BUILD_DIR (a configured build tree with CPackConfig.cmake).
"""

import gzip
import os
import re
import shutil
import subprocess
import tempfile
import unittest

SOURCE = os.environ.get("TANDA_SOURCE_DIR",
                        os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BUILD = os.environ.get("TANDA_BUILD_DIR", os.path.join(SOURCE, "build"))
UNIT = os.path.join(SOURCE, "systemd", "tanda.service")
MAN = os.path.join(SOURCE, "docs", "tanda.8")
RULES = os.path.join(SOURCE, "monitoring", "tanda.rules.yml")
MAX_EXPOSURE = 1.5
# Built with tanda-io-uring (-DTANDA_IO_URING=ON; by default tanda alone).
IO_URING = os.environ.get("TANDA_IO_URING", "0") not in ("0", "OFF", "")


def tanda_bin():
    path = os.environ.get("TANDA_BIN", os.path.join(BUILD, "cli", "tanda"))
    if not os.access(path, os.X_OK):
        raise unittest.SkipTest(f"no tanda binary at {path}")
    return path


def run(*args, **kw):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=kw.pop("timeout", 120), **kw)


class TempDirTestCase(unittest.TestCase):

    def tmpdir(self):
        d = tempfile.mkdtemp(prefix="tanda-pkg-")
        self.addCleanup(shutil.rmtree, d, ignore_errors=True)
        return d


def tanda_commands():
    """The commands `tanda --help` lists, and the admin subcommands `tanda admin --help` lists."""
    top = run(tanda_bin(), "--help")
    commands = re.findall(r"^  ([a-z][a-z-]+) ", top.stdout.split("Commands:")[1], re.M)
    admin = run(tanda_bin(), "admin", "--help")
    subs = re.findall(r"^  ([a-z][a-z-]+) ", admin.stdout.split("Subcommands")[1], re.M)
    return commands, subs


class UnitFileTest(TempDirTestCase):

    def test_verify(self):
        # verify checks that ExecStart= exists and that `man tanda(8)` resolves: point the copy
        # at the built binary and MANPATH at the page.
        d = self.tmpdir()
        with open(UNIT) as f:
            unit = f.read()
        self.assertIn("ExecStart=/usr/bin/tanda serve --config /etc/tanda/tanda.yaml", unit)
        copy = os.path.join(d, "tanda.service")
        with open(copy, "w") as f:
            f.write(unit.replace("/usr/bin/tanda", tanda_bin()))
        os.makedirs(os.path.join(d, "man", "man8"))
        shutil.copy(MAN, os.path.join(d, "man", "man8", "tanda.8"))
        r = run("systemd-analyze", "verify", copy, env=dict(os.environ, MANPATH=f"{d}/man"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr.strip(), "", "unknown keys and bad values are only warnings")

    def test_security_exposure(self):
        r = run("systemd-analyze", "security", "--offline=true", "--no-pager", UNIT)
        self.assertEqual(r.returncode, 0, r.stderr)
        m = re.search(r"Overall exposure level for tanda\.service: (\d+\.\d+)", r.stdout)
        self.assertIsNotNone(m, r.stdout)
        self.assertLessEqual(float(m.group(1)), MAX_EXPOSURE, r.stdout)

    def test_settings_tanda_needs(self):
        with open(UNIT) as f:
            settings = {}
            for line in f:
                if "=" in line and not line.startswith("#"):
                    key, value = line.rstrip("\n").split("=", 1)
                    settings.setdefault(key, []).append(value)
        one = {k: v[-1] for k, v in settings.items()}
        self.assertEqual(one["Type"], "notify")
        self.assertEqual(one["NotifyAccess"], "main")
        self.assertEqual(one["User"], "tanda")
        self.assertEqual(one["StateDirectory"], "tanda")
        self.assertEqual(one["ConfigurationDirectory"], "tanda")
        self.assertEqual(one["ExecReload"], "/bin/kill -HUP $MAINPID")
        self.assertEqual(one["RestartPreventExitStatus"], "78")
        self.assertEqual(one["AmbientCapabilities"], "CAP_NET_BIND_SERVICE")
        self.assertEqual(one["CapabilityBoundingSet"], "CAP_NET_BIND_SERVICE")
        self.assertNotIn("ReadWritePaths", one)  # only the state directory is writable
        self.assertNotIn("PrivateUsers", one)    # would void CAP_NET_BIND_SERVICE on host ports
        self.assertNotIn("ProcSubset", one)      # process metrics read /proc/stat
        # The stop timeout leaves room for the default listen.shutdown_grace (5s).
        self.assertGreater(int(one["TimeoutStopSec"].rstrip("s")), 5)
        # The default paths sit where the unit lets tanda write.
        with open(os.path.join(SOURCE, "config", "tanda.example.yaml")) as f:
            example = f.read()
        self.assertRegex(example, r"(?m)^  path: /var/lib/tanda\b")
        self.assertRegex(example, r"(?m)^state_dir: /var/lib/tanda/")

    def test_sysusers_and_tmpfiles(self):
        root = self.tmpdir()
        os.makedirs(os.path.join(root, "etc"))
        r = run("systemd-sysusers", f"--root={root}",
                os.path.join(SOURCE, "systemd", "tanda.sysusers"))
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(root, "etc", "passwd")) as f:
            passwd = f.read()
        m = re.search(r"^tanda:x:(\d+):(\d+):[^:]*:/var/lib/tanda:/usr/sbin/nologin$", passwd, re.M)
        self.assertIsNotNone(m, passwd)
        self.assertLess(int(m.group(1)), 1000, "a system user")
        r = run("systemd-tmpfiles", f"--root={root}", "--create",
                os.path.join(SOURCE, "systemd", "tanda.tmpfiles"))
        self.assertEqual(r.returncode, 0, r.stderr)
        st = os.stat(os.path.join(root, "var", "lib", "tanda", "crl"))
        self.assertEqual((st.st_uid, st.st_gid, st.st_mode & 0o777),
                         (int(m.group(1)), int(m.group(2)), 0o750))


class DebianPackageTest(TempDirTestCase):

    @classmethod
    def setUpClass(cls):
        cls.out = tempfile.mkdtemp(prefix="tanda-deb-")
        r = run("cpack", "-G", "DEB", "--config", os.path.join(BUILD, "CPackConfig.cmake"),
                "-B", cls.out, timeout=600)
        if r.returncode != 0:
            shutil.rmtree(cls.out, ignore_errors=True)
            raise AssertionError(f"cpack failed:\n{r.stdout}{r.stderr}")
        debs = [f for f in os.listdir(cls.out) if f.endswith(".deb")]
        assert len(debs) == 1, debs
        cls.deb = os.path.join(cls.out, debs[0])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.out, ignore_errors=True)

    def test_contents(self):
        r = run("dpkg-deb", "-c", self.deb)
        self.assertEqual(r.returncode, 0, r.stderr)
        files = {line.split()[-1].lstrip(".") for line in r.stdout.splitlines()}
        for path in ["/usr/bin/tanda", "/usr/lib/systemd/system/tanda.service",
                     "/usr/lib/sysusers.d/tanda.conf", "/usr/lib/tmpfiles.d/tanda.conf",
                     "/usr/share/man/man8/tanda.8.gz", "/usr/share/doc/tanda/README.md",
                     "/usr/share/doc/tanda/FORMAT.md",
                     "/usr/share/doc/tanda/examples/tanda.example.yaml",
                     "/usr/share/doc/tanda/examples/tanda.rules.yml",
                     "/etc/tanda/tanda.yaml"]:
            self.assertIn(path, files)
        self.assertRegex(r.stdout, r"-rwxr-xr-x root/root +\d+ .* \./usr/bin/tanda\n")
        if IO_URING:
            self.assertRegex(r.stdout, r"-rwxr-xr-x root/root +\d+ .* "
                                       r"\./usr/libexec/tanda/tanda-io-uring\n")
        else:
            self.assertNotIn("/usr/libexec/tanda/tanda-io-uring", files)

    def test_control(self):
        r = run("dpkg-deb", "-f", self.deb)
        self.assertEqual(r.returncode, 0, r.stderr)
        fields = dict(re.findall(r"^([A-Za-z-]+): (.*)$", r.stdout, re.M))
        self.assertEqual(fields["Package"], "tanda")
        self.assertEqual(fields["Section"], "net")
        self.assertTrue(fields["Maintainer"])
        for lib in ["libssl3", "liblmdb0", "libsystemd0", "libyaml-cpp0.7", "libstdc++6",
                    *(["liburing2"] if IO_URING else [])]:
            self.assertIn(lib, fields["Depends"])

    def test_maintainer_scripts(self):
        d = self.tmpdir()
        r = run("dpkg-deb", "-e", self.deb, d)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(d, "conffiles")) as f:
            self.assertEqual(f.read().split(), ["/etc/tanda/tanda.yaml"])
        for script in ["postinst", "postrm"]:
            path = os.path.join(d, script)
            self.assertTrue(os.access(path, os.X_OK), script)
            self.assertEqual(run("sh", "-n", path).returncode, 0, script)
        with open(os.path.join(d, "postinst")) as f:
            postinst = f.read()
        self.assertIn("systemd-sysusers tanda.conf", postinst)
        self.assertIn("systemd-tmpfiles --create tanda.conf", postinst)

    def test_payload_matches_sources(self):
        d = self.tmpdir()
        self.assertEqual(run("dpkg-deb", "-x", self.deb, d).returncode, 0)
        with open(os.path.join(d, "usr/lib/systemd/system/tanda.service")) as f, open(UNIT) as g:
            self.assertEqual(f.read(), g.read())
        with gzip.open(os.path.join(d, "usr/share/man/man8/tanda.8.gz"), "rt") as f, \
                open(MAN) as g:
            self.assertEqual(f.read(), g.read())
        with open(os.path.join(d, "usr/share/doc/tanda/examples/tanda.rules.yml")) as f, \
                open(RULES) as g:
            self.assertEqual(f.read(), g.read())
        r = run(os.path.join(d, "usr/bin/tanda"), "--version")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"^tanda \d+\.\d+\.\d+")


class MakefileTest(unittest.TestCase):

    def test_demo_runs_the_built_binary(self):
        # `make demo` must start the tanda its build made: RELEASE_DIR pointed at this build tree.
        r = run("make", "-n", "-C", SOURCE, "demo", f"RELEASE_DIR={BUILD}")
        self.assertEqual(r.returncode, 0, r.stderr)
        demo = [line for line in r.stdout.splitlines() if " demo --dir " in line]
        self.assertEqual(len(demo), 1, r.stdout)
        self.assertEqual(os.path.realpath(demo[0].split()[0]), os.path.realpath(tanda_bin()))


class ManPageTest(unittest.TestCase):

    def test_renders_without_warnings(self):
        r = run("groff", "-man", "-ww", "-z", MAN)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")

    def test_covers_every_command(self):
        r = run("groff", "-man", "-Tutf8", "-P-cbou", MAN, env=dict(os.environ, LC_ALL="C.UTF-8"))
        self.assertEqual(r.returncode, 0, r.stderr)
        text = r.stdout.replace("\u2010", "-")  # groff may render - as a hyphen
        commands, admin_subcommands = tanda_commands()
        self.assertIn("serve", commands)
        self.assertIn("verify", admin_subcommands)
        for c in commands:
            self.assertRegex(text, rf"\b{re.escape(c)}\b", c)
        for s in admin_subcommands:
            self.assertRegex(text, rf"(?m)^ +{re.escape(s)}\b", f"admin {s}")
        for section in ["SYNOPSIS", "COMMANDS", "FILES", "SIGNALS", "EXIT STATUS"]:
            self.assertRegex(text, rf"(?m)^{section}$")
        for code in ["0", "1", "2", "78"]:
            self.assertRegex(text, rf"(?m)^ +{code}\b")
        for signal in ["SIGHUP", "SIGTERM"]:
            self.assertIn(signal, text)


class HelpTest(unittest.TestCase):
    """Every command and admin subcommand prints its usage on stdout and exits 0."""

    def assert_usage(self, *args):
        r = run(tanda_bin(), *args)
        self.assertEqual(r.returncode, 0, f"tanda {' '.join(args)}: {r.stderr}")
        self.assertEqual(r.stderr, "", args)
        self.assertRegex(r.stdout, r"(?m)^Usage: tanda", args)

    def test_top_level(self):
        for flag in ["--help", "-h", "help"]:
            self.assert_usage(flag)
        r = run(tanda_bin(), "--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^tanda \d+\.\d+\.\d+\n$")

    def test_every_command(self):
        commands, admin_subcommands = tanda_commands()
        self.assertGreaterEqual(len(commands), 6, commands)
        self.assertGreaterEqual(len(admin_subcommands), 8, admin_subcommands)
        for c in commands:
            for flag in ["--help", "-h"]:
                with self.subTest(command=c, flag=flag):
                    self.assert_usage(c, flag)
        with self.subTest(command="crl generate"):
            self.assert_usage("crl", "generate", "--help")
        for s in admin_subcommands:
            with self.subTest(command=f"admin {s}"):
                self.assert_usage("admin", s, "--help")

    def test_help_comes_before_the_io_backend(self):
        # --help neither execs tanda-io-uring nor reads TANDA_IO_BACKEND (cli/main.cpp).
        for c in ["serve", "demo"]:
            with self.subTest(command=c):
                r = run(tanda_bin(), c, "--help", env=dict(os.environ, TANDA_IO_BACKEND="kqueue"))
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stderr, "")
                self.assertRegex(r.stdout, r"(?m)^Usage: tanda " + c)

    def test_bad_usage_exits_2(self):
        r = run(tanda_bin(), "no-such-command")
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown command", r.stderr)


if __name__ == "__main__":
    unittest.main()
