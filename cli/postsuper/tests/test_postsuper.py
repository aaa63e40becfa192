#!/usr/bin/env python3
"""Scripted postsuper session compared with a golden transcript.

Usage: test_postsuper.py POSTSUPER POSTQUEUE QUEUE_FIXTURE TESTS_DIR
Makes a queue with queue_fixture from TESTS_DIR/queue.spec, runs a series
of postsuper commands (delete, hold, release, requeue, ids from stdin, a
locked file, invalid ids and queue names, -s repairs, -p purge) and writes
a transcript of each command and its output, with queue ids replaced by
ID1, ID2 ... (creation order), then compares it with TESTS_DIR/session.ref.
State that the transcript does not show is checked directly."""
import fcntl
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

postsuper, postqueue, fixture, tests = sys.argv[1:5]
failures = []
transcript = []
ids = {}
conf_dir = "/nonexistent"


def normalize(text):
    """Ids to tokens; message lines of postqueue -p re-padded to 17 columns."""
    lines = []
    for line in text.splitlines(keepends=True):
        m = re.match(r"^([0-9A-Za-p]+)([*!]?) +(\d+) (.*)$", line, re.S)
        if m and m.group(1) in ids:
            line = "%-17s %8s %s" % (ids[m.group(1)] + m.group(2), m.group(3), m.group(4))
        for real in sorted(ids, key=len, reverse=True):
            line = line.replace(real, ids[real])
        lines.append(line.replace(conf_dir, "CONF"))
    return "".join(lines)


def run(args, stdin=None, label=None):
    r = subprocess.run(args, input=stdin, capture_output=True, timeout=60,
                       env=dict(os.environ, TZ="UTC"))
    shown = label or " ".join(os.path.basename(a) if i == 0 else a for i, a in enumerate(args))
    transcript.append("$ " + normalize(shown) + "\n")
    out = r.stdout.decode("utf-8", "replace") + r.stderr.decode("utf-8", "replace")
    m = re.search(r"renamed to ([0-9A-Za-p]+)", out)
    if m and m.group(1) not in ids:
        ids[m.group(1)] = "NEWID"
    transcript.append(normalize(out))
    if r.returncode != 0:
        transcript.append("[exit %d]\n" % r.returncode)
    return r


def where(qdir, ident):
    """Queue (and relative path) holding a message file, or None."""
    for root, _dirs, files in os.walk(qdir):
        if ident in files:
            return os.path.relpath(os.path.join(root, ident), qdir)
    return None


def expect(cond, what):
    if not cond:
        failures.append(what)


with tempfile.TemporaryDirectory() as tmp:
    conf = conf_dir = os.path.join(tmp, "etc")
    qdir = os.path.join(tmp, "queue")
    os.mkdir(conf)
    with open(os.path.join(conf, "main.cf"), "w") as f:
        f.write("queue_directory = %s\nhash_queue_depth = 2\n" % qdir)
    with open(os.path.join(tests, "queue.spec"), "rb") as spec:
        r = subprocess.run([fixture, qdir, "2"], stdin=spec, capture_output=True, timeout=60)
    if r.returncode != 0:
        sys.exit("queue_fixture failed: %s" % r.stderr.decode(errors="replace"))
    made = r.stdout.decode().split()
    for i, real in enumerate(made):
        ids[real] = "ID%d" % (i + 1)
    if len(made) != 7:
        sys.exit("queue_fixture made %d messages, want 7" % len(made))
    I = {ids[k]: k for k in ids}
    ps = [postsuper, "-c", conf]

    run(ps + ["-h", I["ID1"]])
    expect(where(qdir, I["ID1"]).startswith("hold/"), "ID1 not in hold")
    run(ps + ["-H", I["ID1"]])
    expect(where(qdir, I["ID1"]).startswith("deferred/"), "ID1 not back in deferred")
    run(ps + ["-H", I["ID1"]])
    expect(where(qdir, I["ID1"] ) is not None and where(qdir, I["ID1"]).count("/") == 3,
           "released file not at hash depth 2")
    run(ps + ["-r", I["ID1"]])
    expect(where(qdir, I["ID1"]).startswith("maildrop/"), "ID1 not requeued to maildrop")
    expect(not os.path.exists(os.path.join(qdir, "defer")) or
           all(I["ID1"] not in files for _r, _d, files in os.walk(os.path.join(qdir, "defer"))),
           "defer log of requeued ID1 not removed")
    run(ps + ["-d", "../etc/passwd"])
    run(ps + ["-d", I["ID2"], "-d", "00000000001"])
    expect(where(qdir, I["ID2"]) is None, "ID2 not deleted")

    # a delivery agent holds a shared lock: postsuper must skip the file
    path6 = os.path.join(qdir, where(qdir, I["ID6"]))
    with open(path6, "rb") as held:
        fcntl.lockf(held, fcntl.LOCK_SH)
        run(ps + ["-d", I["ID6"]])
        expect(os.path.exists(path6), "locked ID6 was deleted")
    run(ps + ["-d", "-"], stdin=("%s\n  \nbogus!\n" % I["ID6"]).encode(),
        label="postsuper -d - <<< 'ID6, blank line, bogus!'")
    expect(where(qdir, I["ID6"]) is None, "ID6 not deleted from stdin")

    run(ps + ["-h", "ALL"])
    run(ps + ["-H", "ALL", "deferred"])
    run(ps + ["-H", "ALL"])
    run([postqueue, "-c", conf, "-j"])
    run(ps + ["-d", "ALL", "bogusqueue"])
    run(ps + ["-d", "ALL", "deferred"])
    run([postqueue, "-c", conf, "-p"])

    # -s: a file outside its hash directory, a file whose name does not
    # match its inode (as after a restore from backup)
    r = subprocess.run([fixture, qdir, "2"], input=b"msg deferred 1795361590 k@example.org 10\n"
                       b"rcpt l@example.com\nend\n", capture_output=True, timeout=60)
    id8 = r.stdout.decode().strip()
    ids[id8] = "ID8"
    placed = os.path.join(qdir, where(qdir, id8))
    misplaced = os.path.join(qdir, "deferred", id8)
    os.rename(placed, misplaced)
    md = os.path.join(qdir, where(qdir, I["ID1"]))
    fake = I["ID1"][:10] + "B"          # same time, inode 11: not this file's
    ids[fake] = "FAKEID"
    shutil.copy(md, os.path.join(qdir, "maildrop", fake))
    run(ps + ["-s"])
    expect(os.path.exists(placed), "-s did not move ID8 back to its hash directory")
    expect(not os.path.exists(os.path.join(qdir, "maildrop", fake)), "-s did not rename FAKEID")
    newid = [k for k, v in ids.items() if v == "NEWID"]
    expect(len(newid) == 1 and where(qdir, newid[0]) is not None, "renamed file missing")
    run(ps + ["-d", newid[0] if newid else "NEWID", "maildrop"])
    run([postqueue, "-c", conf, "-p"])

    # -p: a stale and a fresh writer temporary file
    stale = os.path.join(qdir, "maildrop", "tmp.1.1")
    fresh = os.path.join(qdir, "incoming", "tmp.2.2")
    for p in (stale, fresh):
        with open(p, "w") as f:
            f.write("partial")
    old = time.time() - 2 * 86400
    os.utime(stale, (old, old))
    run(ps + ["-p"])
    expect(not os.path.exists(stale) and os.path.exists(fresh), "-p removed the wrong files")
    run(ps)
    run([postsuper, "-x"])

with open(os.path.join(tests, "session.ref"), encoding="utf-8") as f:
    want = f.read()
got = "".join(transcript)
if os.environ.get("POSTERN_WRITE_REF"):
    with open(os.path.join(tests, "session.ref"), "w", encoding="utf-8") as f:
        f.write(got)
elif got != want:
    failures.append("transcript differs from session.ref:\n--- got\n" + got)
for f in failures:
    print(f)
print("postsuper golden: %s" % ("FAILED" if failures else "ok"))
sys.exit(1 if failures else 0)
