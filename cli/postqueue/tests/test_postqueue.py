#!/usr/bin/env python3
"""Golden test for postqueue -p / -j and mailq.

Usage: test_postqueue.py POSTQUEUE QUEUE_FIXTURE TESTS_DIR
Makes a queue with queue_fixture from TESTS_DIR/queue.spec, runs the
listings with TZ=UTC and compares them with TESTS_DIR/*.ref after replacing
the (time- and inode-dependent) queue ids by ID1, ID2 ... in creation order.
The column layout of each message line is checked on the real output
before the ids are replaced. Exit status 0 when everything matches."""
import os
import re
import subprocess
import sys
import tempfile

postqueue, fixture, tests = sys.argv[1:4]
failures = []


def run(cmd, **kw):
    env = dict(os.environ, TZ="UTC")
    return subprocess.run(cmd, env=env, capture_output=True, timeout=60, **kw)


def check_columns(text, ids):
    """Message lines: id+mark padded to 17, size right-aligned in 8."""
    for line in text.splitlines():
        m = re.match(r"^([0-9A-Za-p]+)([*!]?)( +)(\d+) ", line)
        if not m or m.group(1) not in ids:
            continue
        head = m.group(1) + m.group(2)
        want_end = max(17, len(head)) + 1 + 8
        if m.end(4) != want_end and not (len(m.group(4)) > 8 and len(m.group(3)) == 1):
            failures.append("column layout: %r" % line)


def normalize(text, ids):
    """Replaces ids, re-padding the id column so refs do not depend on id length."""
    out = []
    for line in text.splitlines(keepends=True):
        m = re.match(r"^([0-9A-Za-p]+)([*!]?) +(\d+ .*\n?)$", line, re.S)
        if m and m.group(1) in ids:
            size_and_rest = m.group(3)
            size, rest = size_and_rest.split(" ", 1)
            line = "%-17s %8s %s" % (ids[m.group(1)] + m.group(2), size, rest)
        else:
            for real, token in ids.items():
                line = line.replace(real, token)
        out.append(line)
    return "".join(out)


def compare(name, got):
    ref_path = os.path.join(tests, name + ".ref")
    with open(ref_path, encoding="utf-8", errors="surrogateescape") as f:
        want = f.read()
    if got != want:
        failures.append("%s differs:\n--- want\n%s--- got\n%s" % (name, want, got))


with tempfile.TemporaryDirectory() as tmp:
    conf = os.path.join(tmp, "etc")
    os.mkdir(conf)
    with open(os.path.join(conf, "main.cf"), "w") as f:
        f.write("queue_directory = %s/queue\nhash_queue_depth = 2\n" % tmp)
    with open(os.path.join(tests, "queue.spec"), "rb") as spec:
        r = run([fixture, os.path.join(tmp, "queue")], stdin=spec)
    if r.returncode != 0:
        sys.exit("queue_fixture failed: %s" % r.stderr.decode(errors="replace"))
    ids = {real: "ID%d" % (i + 1) for i, real in enumerate(r.stdout.decode().split())}
    if len(ids) != 5:
        sys.exit("queue_fixture made %d messages, want 5" % len(ids))

    for flag, ref in (("-p", "postqueue-p"), ("-j", "postqueue-j")):
        r = run([postqueue, "-c", conf, flag])
        text = r.stdout.decode("utf-8", errors="surrogateescape")
        if r.returncode != 0 or r.stderr:
            failures.append("postqueue %s: status %d, stderr %r" % (flag, r.returncode, r.stderr))
        if flag == "-p":
            check_columns(text, ids)
        compare(ref, normalize(text, ids))

    mailq = os.path.join(tmp, "mailq")
    os.symlink(os.path.abspath(postqueue), mailq)
    r = run([mailq, "-c", conf])
    compare("postqueue-p", normalize(r.stdout.decode("utf-8", errors="surrogateescape"), ids))

    # every JSON line parses, and -p of an empty queue
    r = run([postqueue, "-c", conf, "-j"])
    import json
    for line in r.stdout.decode().splitlines():
        json.loads(line)
    empty = os.path.join(tmp, "empty")
    os.mkdir(empty)
    with open(os.path.join(empty, "main.cf"), "w") as f:
        f.write("queue_directory = %s/queue2\n" % tmp)
    run([fixture, os.path.join(tmp, "queue2")], stdin=subprocess.DEVNULL)
    r = run([postqueue, "-c", empty, "-p"])
    compare("empty-p", r.stdout.decode())
    r = run([postqueue, "-c", empty, "-j"])
    if r.stdout != b"" or r.returncode != 0:
        failures.append("empty -j: %r" % r.stdout)

    # usage errors and an unreadable queue fail with status 1
    for args in (["-s", "example.com"], ["-i"], [], ["-p", "extra"]):
        r = run([postqueue, "-c", conf] + args)
        if r.returncode != 1 or not r.stderr.startswith(b"postqueue: fatal: usage"):
            failures.append("postqueue %s: status %d %r" % (args, r.returncode, r.stderr))
    # -f and -i need a running qmgr (tested in qmgr/tests/test_qmgr.py);
    # here: a bad id is refused, and a stopped mail system is reported.
    for args, want in ((["-i", "x"], b"invalid queue id: x"),
                       (["-f"], b"Cannot flush mail queue - mail system is down")):
        r = run([postqueue, "-c", conf] + args)
        if r.returncode != 1 or want not in r.stderr:
            failures.append("postqueue %s: status %d %r" % (args, r.returncode, r.stderr))
    bad = os.path.join(tmp, "bad")
    os.mkdir(bad)
    with open(os.path.join(bad, "main.cf"), "w") as f:
        f.write("queue_directory = %s/nonexistent\n" % tmp)
    r = run([postqueue, "-c", bad, "-p"])
    if r.returncode != 1 or b"fatal" not in r.stderr:
        failures.append("missing queue: status %d %r" % (r.returncode, r.stderr))

for f in failures:
    print(f)
print("postqueue golden: %s" % ("FAILED" if failures else "ok"))
sys.exit(1 if failures else 0)
