#!/usr/bin/env python3
"""bench_auth.py - authentications per second through Postern's auth and
Dovecot's auth, side by side, over the same protocol (AUTH PLAIN with an
initial response), the same passwd-file (one SHA512-CRYPT user, made by
postpasswd) and the same client.

For each server: CONNS client connections, each sending REQS requests
(one after the other, the next after the answer); alternating A/B for
ROUNDS rounds; median rate of each and the ratio Postern/Dovecot. A
wrong-password round measures nothing (the failure delay dominates) and
is not run. Dovecot 2.3 runs stand-alone from a generated dovecot.conf
(scripts/deps.sh dovecot-core); Postern from the test harness.

usage: bench_auth.py BIN_DIR [CONNS [REQS [ROUNDS]]]
"""
import base64
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "integration", "harness"))
from postern_instance import PosternInstance, wait_for  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
CONNS = int(sys.argv[2]) if len(sys.argv) > 2 else 4
REQS = int(sys.argv[3]) if len(sys.argv) > 3 else 100
ROUNDS = int(sys.argv[4]) if len(sys.argv) > 4 else 3
USER, PASSWORD = "bench@example.org", "bench pass"


def one_connection(path, reqs, errors):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    s.connect(path)
    f = s.makefile("rwb")
    for _ in range(100):
        if f.readline().rstrip(b"\n") == b"DONE":
            break
    f.write(b"VERSION\t1\t2\nCPID\t%d\n" % os.getpid())
    resp = base64.b64encode(b"\0" + USER.encode() + b"\0" + PASSWORD.encode())
    for i in range(reqs):
        f.write(b"AUTH\t%d\tPLAIN\tservice=smtp\tnologin\tresp=%s\n" % (i + 1, resp))
        f.flush()
        if not f.readline().startswith(b"OK\t"):
            errors.append(1)
    s.close()


def measure(path):
    errors = []
    threads = [threading.Thread(target=one_connection, args=(path, REQS, errors)) for _ in range(CONNS)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    if errors:
        raise SystemExit("%s: %d failed authentications" % (path, len(errors)))
    return CONNS * REQS / elapsed


def start_dovecot(root, pwfile):
    conf = os.path.join(root, "dovecot.conf")
    with open(conf, "w") as f:
        f.write("""base_dir = %(r)s/run
state_dir = %(r)s/state
log_path = %(r)s/dovecot.log
protocols =
listen = 127.0.0.1
ssl = no
auth_mechanisms = plain login
disable_plaintext_auth = no
passdb {
  driver = passwd-file
  args = %(p)s
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=/tmp
}
service auth {
  unix_listener auth-client {
    mode = 0666
  }
}
""" % {"r": root, "p": pwfile})
    subprocess.run(["dovecot", "-c", conf], check=True, timeout=30)
    path = os.path.join(root, "run", "auth-client")
    if not wait_for(lambda: os.path.exists(path), 10):
        raise SystemExit("dovecot did not create " + path)
    return conf, path


def main():
    if shutil.which("dovecot") is None:
        subprocess.run([os.path.join(HERE, "..", "..", "scripts", "deps.sh"), "dovecot-core"], timeout=600)
    root = tempfile.mkdtemp(prefix="bench-auth-")
    os.chmod(root, 0o755)
    pwfile = os.path.join(root, "passwd")
    hashed = subprocess.run([os.path.join(BIN, "postpasswd"), "-p", PASSWORD], capture_output=True,
                            check=True, timeout=30).stdout.decode().strip()
    with open(pwfile, "w") as f:
        f.write("%s:%s\n" % (USER, hashed))
    os.chmod(pwfile, 0o644)
    inst = PosternInstance(BIN, params={"auth_passwd_file": pwfile})
    dconf = None
    try:
        inst.start()
        ppath = os.path.join(inst.queue, "private", "auth")
        dconf, dpath = start_dovecot(root, pwfile)
        measure(ppath), measure(dpath)      # warm-up: processes started
        rates = {"postern": [], "dovecot": []}
        for _ in range(ROUNDS):
            rates["postern"].append(measure(ppath))
            rates["dovecot"].append(measure(dpath))
        p, d = statistics.median(rates["postern"]), statistics.median(rates["dovecot"])
        print("AUTH PLAIN, SHA512-CRYPT, %d connections x %d requests, median of %d (A/B alternating)"
              % (CONNS, REQS, ROUNDS))
        print("postern auth: %.0f/s  %s" % (p, " ".join("%.0f" % r for r in rates["postern"])))
        print("dovecot auth: %.0f/s  %s" % (d, " ".join("%.0f" % r for r in rates["dovecot"])))
        print("ratio postern/dovecot: %.2f" % (p / d))
    finally:
        if dconf:
            subprocess.run(["doveadm", "-c", dconf, "stop"], timeout=30)
        inst.cleanup()
        shutil.rmtree(root, ignore_errors=True)


main()
