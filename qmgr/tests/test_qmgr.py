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
local_destination_concurrency_limit = 3
initial_destination_concurrency = 2
transport_maps = texthash:{conf}/transport
fixture3_destination_rate_delay = 1s
delay_warning_time = 30m
notify_classes = bounce, delay, 2bounce
""")
with open(os.path.join(conf, "transport"), "w") as f:
    f.write("slow.example fixture2:\nsite.example fixture2:\nrate.example fixture3:\n")
with open(os.path.join(conf, "master.cf"), "w") as f:
    f.write(f"""qmgr      unix  n       n       n       300     1       qmgr
local     unix  -       n       n       -       -       {TESTS}/dlv_fixture {record}
fixture2  unix  -       n       n       -       1       {TESTS}/dlv_fixture {record}2
fixture3  unix  -       n       n       -       -       {TESTS}/dlv_fixture {record}3
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
    check(wait_for(lambda: f"{nullsender}: postmaster non-delivery notification:" in log_text()),
          "2bounce: the undeliverable bounce goes to the postmaster")
    check(f"{bounced}: postmaster non-delivery notification:" in log_text(),
          "bounce: postmaster copy of the bounce")
    check(wait_for(lambda: any(r == "postmaster@mx.test.example" or r == "postmaster"
                               for _, r in delivered())), "postmaster copy delivered")

    # Delay warning: 40 minutes old, delay_warning_time 30m, lifetime 1h.
    delayed = make(f"msg incoming {now - 2400} alice@localhost 10\nrcpt defer3@localhost\nend\n")[0]
    trigger()
    check(wait_for(lambda: f"{delayed}: sender delay notification:" in log_text()),
          "delay warning sent to the sender")
    check(wait_for(lambda: f"{delayed}: postmaster delay notification:" in log_text()), "delay: postmaster copy")
    young = make(f"msg incoming {now} alice@localhost 10\nrcpt defer4@localhost\nend\n")[0]
    trigger()
    check(wait_for(lambda: young in files("deferred")), "young deferred message")
    subprocess.run([postqueue, "-c", conf, "-f"], capture_output=True, text=True)
    check(wait_for(lambda: log_text().count(f"{delayed}: to=<defer3@localhost>") >= 2),
          "delayed message retried")
    time.sleep(0.5)
    check(log_text().count(f"{delayed}: sender delay notification:") == 1, "one delay warning only")
    check(f"{young}: sender delay notification" not in log_text(), "no warning before delay_warning_time")

    # Concurrency: 12 slow deliveries to one local destination run at most
    # local_destination_concurrency_limit (3) at once, after a slow start
    # at 2; 4 to fixture2 (maxproc 1) one at a time.
    def max_conc(path):
        try:
            with open(path) as f:
                return int(f.read().split()[1])
        except (FileNotFoundError, ValueError, IndexError):
            return 0

    slow = [make(f"msg incoming {now} alice@localhost 10\nrcpt slow{i}@localhost\nend\n")[0]
            for i in range(12)]
    slow2 = [make(f"msg incoming {now} alice@localhost 10\nrcpt slow{i}@slow.example\nend\n")[0]
             for i in range(4)]
    started = time.monotonic()
    trigger()
    # Were qmgr to open a second connection while fixture2's only process
    # is busy, it would wait (blocking) for that process, which waits for
    # qmgr's next request: stuck until the fixture's 30s timeout.
    check(wait_for(lambda: all(f"{i}: removed" in log_text() for i in slow + slow2), 40)
          and time.monotonic() - started < 15, "slow messages delivered in time (maxproc respected)")
    check(max_conc(record + ".maxconc") == 3,
          f"at most 3 local deliveries at once, and 3 reached: {max_conc(record + '.maxconc')}")
    check(max_conc(record + "2.maxconc") == 1,
          f"maxproc 1 of fixture2: one delivery at a time: {max_conc(record + '2.maxconc')}")

    # Rate delay 1s: three deliveries to one destination take two seconds.
    rate = [make(f"msg incoming {now} alice@localhost 10\nrcpt rate{i}@rate.example\nend\n")[0]
            for i in range(3)]
    started = time.monotonic()
    trigger()
    check(wait_for(lambda: all(f"{i}: removed" in log_text() for i in rate), 20),
          "rate-delayed messages delivered")
    took = time.monotonic() - started
    check(took >= 1.9, f"fixture3_destination_rate_delay spaces deliveries: {took:.1f}s")

    # Dead destination: the first cohort (the window, 2) fails at the site
    # level; then the destination is dead and the other messages are
    # deferred with its reason without contacting the agent.
    site = [make(f"msg incoming {now} alice@localhost 10\nrcpt site{i}@site.example\nend\n")[0]
            for i in range(6)]
    trigger()
    check(wait_for(lambda: all(i in files("deferred") for i in site), 30), "site failures deferred")
    contacted = log_text().count("relay=fixture, delay=")
    text = log_text()
    check("fixture2:site.example: destination is dead" in text, "destination declared dead")
    suspended = text.count("status=deferred (delivery temporarily suspended: connect to "
                           "fixture[127.0.0.1]:25: Connection refused)")
    check(suspended == 4, f"4 messages deferred without contact: {suspended}")
    pq = subprocess.run([postqueue, "-c", conf, "-p"], capture_output=True, text=True)
    check("(delivery temporarily suspended: connect to fixture[127.0.0.1]:25: Connection refused)"
          in pq.stdout, "postqueue -p shows the suspension reason")
    before = log_text().count("to=<site")
    pf = subprocess.run([postqueue, "-c", conf, "-f"], capture_output=True, text=True)
    check(wait_for(lambda: log_text().count("relay=fixture, delay=") > contacted
                   and log_text().count("to=<site") >= before + 6, 20),
          "postqueue -f revives the destination and contacts it again")
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
