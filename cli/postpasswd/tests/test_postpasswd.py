#!/usr/bin/env python3
"""test_postpasswd.py - postpasswd makes and checks hashes, and agrees
with Dovecot's doveadm pw in both directions.

Usage: test_postpasswd.py BIN_DIR. Installs dovecot-core through
scripts/deps.sh when doveadm is missing (exit 77, skipped, when that is
impossible). Every program runs with a timeout."""
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
SCHEMES = ["SHA512-CRYPT", "SHA256-CRYPT", "BLF-CRYPT", "MD5-CRYPT", "CRYPT", "PLAIN", "YESCRYPT"]
failures = []


def run(args, input=None):
    return subprocess.run(args, input=input, capture_output=True, timeout=60)


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def postpasswd_alone(pp):
    out = run([pp, "-p", "s3cret"]).stdout.decode().strip()
    check(out.startswith("{SHA512-CRYPT}$6$"), "default scheme is SHA512-CRYPT: " + out)
    out = run([pp, "-s", "blf-crypt", "-u", "bob@example.org"], input=b"pw from stdin\r\n")
    line = out.stdout.decode().strip()
    check(out.returncode == 0 and line.startswith("bob@example.org:{BLF-CRYPT}$2y$"), "-u and stdin: " + line)
    hashed = line.split(":", 1)[1]
    check(run([pp, "-t", hashed, "-p", "pw from stdin"]).returncode == 0, "stdin password verifies")
    check(run([pp, "-t", hashed, "-p", "pw from stdin\r"]).returncode == 1, "CR is not part of it")
    check(run([pp, "-t", hashed, "-p", "wrong"]).returncode == 1, "-t mismatch exits 1")
    check(run([pp, "-s", "SHA1", "-p", "x"]).returncode == 1, "unknown scheme refused")
    check(run([pp, "-t", "{SHA512-CRYPT}junk", "-p", "x"]).returncode == 1, "bad hash refused")
    check(run([pp, "-p", "x", "extra"]).returncode == 1, "extra argument refused")
    check(run([pp], input=b"").returncode == 1, "empty stdin refused")
    check(run([pp], input=b"a\0b\n").returncode == 1, "NUL in password refused")
    listed = run([pp, "-l"]).stdout.decode().split()
    check("SHA512-CRYPT" in listed and "YESCRYPT" in listed, "-l lists schemes")


def against_dovecot(pp, doveadm):
    for scheme in SCHEMES:
        made = run([pp, "-s", scheme, "-p", "Tr0ub4dor&3"]).stdout.decode().strip()
        r = run([doveadm, "pw", "-t", made, "-p", "Tr0ub4dor&3"])
        check(r.returncode == 0, "doveadm verifies postpasswd's %s: %s %s" % (scheme, made, r.stderr))
        r = run([doveadm, "pw", "-t", made, "-p", "wrong"])
        check(r.returncode != 0, "doveadm rejects a wrong password for %s" % scheme)
        if scheme == "YESCRYPT":
            continue
        made = run([doveadm, "pw", "-s", scheme, "-p", "Tr0ub4dor&3"]).stdout.decode().strip()
        r = run([pp, "-t", made, "-p", "Tr0ub4dor&3"])
        check(r.returncode == 0, "postpasswd verifies doveadm's %s: %s %s" % (scheme, made, r.stderr))
        check(run([pp, "-t", made, "-p", "wrong"]).returncode == 1, "postpasswd rejects wrong for doveadm %s" % scheme)


def main():
    pp = os.path.join(sys.argv[1], "postpasswd")
    postpasswd_alone(pp)
    doveadm = shutil.which("doveadm")
    if doveadm is None:
        subprocess.run([os.path.join(SRC, "scripts", "deps.sh"), "dovecot-core"], timeout=600)
        doveadm = shutil.which("doveadm")
    if doveadm is None:
        print("doveadm not available: Dovecot comparison skipped")
        sys.exit(77 if not failures else 1)
    against_dovecot(pp, doveadm)
    print("%d failures" % len(failures))
    sys.exit(1 if failures else 0)


main()
