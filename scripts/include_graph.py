#!/usr/bin/env python3
"""The include graph of Tanda's libraries, checked against DESIGN.md's dependency rules.

For each folder: the project folders its sources include (directly). Then the rules:
  - a folder includes only the folders DESIGN.md lets it depend on;
  - Asio and Beast are included only inside http/;
  - OpenSSL headers are included only by pki/, http/'s TLS code and core's digest wrapper.
Prints the graph and every violation; exits 1 when there is one. Run from anywhere:
  scripts/include_graph.py [--quiet]
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
# DESIGN.md's table: a folder may include itself and these.
ALLOWED = {
    "core": set(),
    "storage": {"core"},
    "cluster": {"storage", "core"},
    "pki": {"core"},
    "http": {"core"},
    "ca": {"pki", "storage", "core"},
    "ocsp": {"ca", "pki", "storage", "http", "core"},
    "crl": {"ca", "pki", "storage", "http", "core"},
    "admin": {"ca", "pki", "storage", "http", "core"},
    # their options headers only, and pki's PKCS#11 URI parser (its own OpenSSL-free target), so
    # a bad key URI is reported at its config line instead of at key loading
    "config": {"core", "ca", "ocsp", "storage", "http", "admin", "pki", "cluster"},
    "cli": None,  # everything
}
# config may include only the options headers of the libraries it fills.
CONFIG_MAY_INCLUDE = re.compile(r"^(core/.*|config/.*|\w+/\w*options\.hpp|pki/pkcs11_uri\.hpp)$")
OPENSSL_OK = re.compile(r"^(pki/.*|http/tls_[a-z_]+\.(hpp|cpp)|core/sha256\.(hpp|cpp))$")
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^">]+)[">]', re.M)


def sources(folder):
    return sorted(p for p in (ROOT / folder).rglob("*") if p.suffix in (".hpp", ".cpp"))


def main():
    quiet = "--quiet" in sys.argv
    problems = []
    for folder, allowed in ALLOWED.items():
        uses = {}
        for path in sources(folder):
            rel = path.relative_to(ROOT).as_posix()
            for inc in INCLUDE.findall(path.read_text()):
                top = inc.split("/")[0]
                if top in ALLOWED and top != folder:
                    uses.setdefault(top, []).append(rel)
                    if allowed is not None and top not in allowed:
                        problems.append(f"{rel}: includes {inc} ({folder}/ may not use {top}/)")
                    if folder == "config" and not CONFIG_MAY_INCLUDE.match(inc):
                        problems.append(f"{rel}: includes {inc} (config/ takes options headers only)")
                if inc.startswith(("boost/asio", "boost/beast")) and folder != "http":
                    problems.append(f"{rel}: includes <{inc}> (Asio and Beast live in http/)")
                if inc.startswith("openssl/") and not OPENSSL_OK.match(rel):
                    problems.append(f"{rel}: includes <{inc}> (OpenSSL lives in pki/)")
        if not quiet:
            line = ", ".join(f"{t} ({len(f)})" for t, f in sorted(uses.items())) or "-"
            print(f"{folder + '/':9} -> {line}")
    for p in problems:
        print("violation:", p)
    if not quiet:
        print(f"{len(problems)} violation(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
