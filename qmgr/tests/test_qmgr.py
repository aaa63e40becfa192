#!/usr/bin/env python3
"""Integration test of qmgr under master, with the test delivery agent
(dlv_fixture) as the local transport. Checks: messages in incoming/ are
delivered and removed (with Postfix's log lines), a message left in
active/ by a crash is recovered, a permanent failure produces an RFC 3464
bounce to the sender (itself delivered), a temporary failure leaves the
message in deferred/ with its reason shown by postqueue -p, a recipient
that fails once is retried after the back-off and delivered, an expired
message is returned to the sender, and postqueue -f style wake-ups work.
Every wait is bounded; only processes started here are signalled.

usage: test_qmgr.py BUILD_DIR
"""
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

BUILD = os.path.abspath(sys.argv[1])
BIN = os.path.join(BUILD, "bin")
TESTS = os.path.join(BUILD, "tests")
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


def wait_for(pred, timeout=20.0, step=0.1):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = pred()
        if value:
            return value
        time.sleep(step)
    return pred()


import pwd
owner = "nobody" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
root = tempfile.mkdtemp(prefix="postern-qmgr-test-")
os.chmod(root, 0o755)
conf, queue, log = (os.path.join(root, n) for n in ("conf", "queue", "maillog"))
record = os.path.join(root, "delivered")
os.mkdir(conf)
with open(os.path.join(conf, "main.cf"), "w") as f:
    f.write(f"""queue_directory = {queue}
data_directory = {root}/data
maillog_file = {log}
myhostname = mx.test.example
mydestination = $myhostname, localhost
queue_run_delay = 1s
minimal_backoff_time = 1h
maximal_backoff_time = 2h
maximal_queue_lifetime = 1h
mail_owner = {owner}
""")
with open(os.path.join(conf, "master.cf"), "w") as f:
    f.write(f"""qmgr      unix  n       n       n       300     1       qmgr
local     unix  -       n       n       -       -       {TESTS}/dlv_fixture {record}
""")


def log_text():
    try:
        with open(log, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def delivered():
    try:
        with open(record) as f:
            return [line.split() for line in f]
    except FileNotFoundError:
        return []


def make(spec):
    out = subprocess.run([os.path.join(TESTS, "queue_fixture"), queue], input=spec,
                         capture_output=True, text=True, check=True).stdout
    return out.split()


def files(q):
    return [os.path.basename(p) for p in glob.glob(os.path.join(queue, q, "**"), recursive=True)
            if os.path.isfile(p)]


now = int(time.time())
# Before master starts: one message in incoming, one "left in active".
first = make(f"msg incoming {now} alice@localhost 100\nrcpt bob@localhost\nrcpt carol@localhost\nend\n")[0]
crashed = make(f"msg active {now} alice@localhost 10\nrcpt dave@localhost\nend\n")[0]

master = subprocess.Popen([os.path.join(BIN, "master"), "-c", conf, "-d"],
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=open(os.path.join(root, "master.stderr"), "w"))
try:
    check(wait_for(lambda: "daemon started" in log_text(), 15), "master started")
    check(wait_for(lambda: f"{first}: removed" in log_text()), "message in incoming delivered and removed")
    got = {tuple(x) for x in delivered()}
    check((first, "bob@localhost") in got and (first, "carol@localhost") in got,
          "both recipients delivered")
    check(f"{first}: from=<alice@localhost>, size=" in log_text() and "nrcpt=2 (queue active)" in log_text(),
          "from=<...>, size=N, nrcpt=N (queue active) logged")
    check(wait_for(lambda: f"{crashed}: removed" in log_text()), "message left in active/ recovered and delivered")

    def trigger(req=b"I"):
        s = socket.socket(socket.AF_UNIX)
        s.connect(os.path.join(queue, "public", "qmgr"))
        s.sendall(req)
        s.close()

    # Permanent failure: a bounce to alice, delivered by the fixture.
    bounced = make(f"msg incoming {now} alice@localhost 10\nrcpt bounce1@localhost\nrcpt erin@localhost\nend\n")[0]
    trigger()
    check(wait_for(lambda: f"{bounced}: removed" in log_text()), "message with a bounced recipient removed")
    check(wait_for(lambda: f"{bounced}: sender non-delivery notification:" in log_text()),
          "non-delivery notification queued")
    check(wait_for(lambda: any(r == "alice@localhost" and i not in (first, crashed, bounced)
                               for i, r in delivered())), "notification delivered to the sender")
    check("status=bounced (no such user here)" in log_text(), "bounced status logged")

    # Temporary failure: stays deferred with its reason. The back-off is an
    # hour, so "once" recipients get through only when asked: postqueue -f
    # (flush everything) and postqueue -i ID (one message).
    postqueue = os.path.join(BIN, "postqueue")
    deferred = make(f"msg incoming {now} alice@localhost 10\nrcpt defer1@localhost\nend\n")[0]
    once = make(f"msg incoming {now} alice@localhost 10\nrcpt once1@localhost\nend\n")[0]
    once2 = make(f"msg incoming {now} alice@localhost 10\nrcpt once2@localhost\nend\n")[0]
    trigger()
    check(wait_for(lambda: deferred in files("deferred") and once in files("deferred")
                   and once2 in files("deferred")), "deferred messages moved to deferred/")
    time.sleep(1.5)
    check(f"{once}: removed" not in log_text(), "no retry before the back-off time")
    pi = subprocess.run([postqueue, "-c", conf, "-i", once2], capture_output=True, text=True)
    check(pi.returncode == 0, "postqueue -i ID accepted: " + pi.stderr.strip())
    check(wait_for(lambda: f"{once2}: removed" in log_text(), 20), "postqueue -i delivers that message")
    check(f"{once}: removed" not in log_text(), "postqueue -i leaves the others deferred")
    pf = subprocess.run([postqueue, "-c", conf, "-f"], capture_output=True, text=True)
    check(pf.returncode == 0, "postqueue -f accepted: " + pf.stderr.strip())
    check(wait_for(lambda: f"{once}: removed" in log_text(), 20), "postqueue -f retries and delivers")
    bad = subprocess.run([postqueue, "-c", conf, "-i", "../etc"], capture_output=True, text=True)
    check(bad.returncode != 0 and "invalid queue id" in bad.stderr, "postqueue -i refuses a bad id")
    pq = subprocess.run([os.path.join(BIN, "postqueue"), "-c", conf, "-p"], capture_output=True, text=True)
    check(deferred in pq.stdout and "(try again later)" in pq.stdout, "postqueue -p shows the deferral reason")
    check(f"{deferred}: removed" not in log_text(), "deferred message not removed")

    # Expired: arrival two hours ago, lifetime one hour.
    old = make(f"msg incoming {now - 7200} alice@localhost 10\nrcpt defer2@localhost\nend\n")[0]
    trigger()
    check(wait_for(lambda: f"{old}: from=<alice@localhost>, status=expired, returned to sender" in log_text()),
          "expired message returned to sender")
    check(wait_for(lambda: f"{old}: removed" in log_text()), "expired message removed")

    # Null sender bounce: no notice for a notice.
    nullsender = make(f"msg incoming {now} <> 10\nrcpt bounce2@localhost\nend\n")[0]
    trigger()
    check(wait_for(lambda: f"{nullsender}: removed" in log_text()), "bounced null-sender message removed")
    check(f"{nullsender}: sender non-delivery notification" not in log_text(), "no bounce for a bounce")
finally:
    master.send_signal(signal.SIGTERM)
    try:
        master.wait(15)
    except subprocess.TimeoutExpired:
        master.kill()
        master.wait()

if failures:
    print(log_text()[-4000:])
else:
    shutil.rmtree(root, ignore_errors=True)
print(f"qmgr integration: {len(failures)} failed checks")
sys.exit(1 if failures else 0)
