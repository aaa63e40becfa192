#!/usr/bin/env python3
"""Durability: while 4 clients submit N messages (over SMTP when smtpd is
built, else with the build's sendmail), kill -9 cleanup, qmgr and local
(children of this test's own master, found through /proc) at random
moments; afterwards every submission that was acknowledged (250 after
DATA, or sendmail exit 0) must be in the recipient's Maildir.
Duplicates are allowed and counted, losses are not. Prints the counts.

N: POSTERN_DURABILITY_N (default 300). Bounded: sending stops after
POSTERN_DURABILITY_SECONDS (default 120), the wait for delivery after
another 120 s.

usage: test_durability.py BIN_DIR
"""
import collections
import os
import random
import signal
import smtplib
import socket
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "mail_path"))
from mail_instance import MailInstance, header, wait_for  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
N = int(os.environ.get("POSTERN_DURABILITY_N", "300"))
SEND_SECONDS = float(os.environ.get("POSTERN_DURABILITY_SECONDS", "120"))
SENDERS = 4
USE_SMTP = os.access(os.path.join(BIN, "smtpd"), os.X_OK)
VICTIMS = ("cleanup", "qmgr", "local")


def children(master_pid, comm):
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                stat = f.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == master_pid and name == comm and fields[0] != "Z":
            pids.append(int(entry))
    return pids


def wake(inst, service):
    """One wake-up request to public/SERVICE, as sendmail and cleanup send."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(2)
            s.connect(os.path.join(inst.queue, "public", service))
            s.sendall(b"W")
    except OSError:
        pass


class Sender:
    def __init__(self, inst):
        self.inst = inst
        self.lock = threading.Lock()
        self.next = 0
        self.accepted = set()
        self.refused = 0
        self.deadline = time.monotonic() + SEND_SECONDS

    def take(self):
        with self.lock:
            if self.next >= N or time.monotonic() > self.deadline:
                return None
            self.next += 1
            return self.next

    def run(self):
        while True:
            i = self.take()
            if i is None:
                return
            self.send_one(i)

    def trickle(self, stop):
        """After the main run: a message every 50 ms until stop is set, so
        that cleanup and local are running while the killer still waits
        for them (a drained queue leaves it nothing to kill)."""
        while not stop.is_set():
            with self.lock:
                self.next += 1
                i = self.next
            self.send_one(i)
            time.sleep(0.05)

    def send_one(self, i):
        subject = "dur-%d" % i
        body = ("Subject: %s\n\nmessage %d\n%s\n" % (subject, i, "x" * 200)).encode()
        ok = self.submit_smtp(body) if USE_SMTP else self.submit_sendmail(body)
        with self.lock:
            if ok:
                self.accepted.add(subject)
            else:
                self.refused += 1

    def submit_sendmail(self, body):
        """True when sendmail exited 0."""
        return self.inst.send([self.inst.user + "@localhost"], body, check=False).returncode == 0

    def submit_smtp(self, body):
        """True when the end of DATA got 250."""
        try:
            with smtplib.SMTP("127.0.0.1", self.inst.port("smtp"), timeout=30) as s:
                s.sendmail("sender@example.org", [self.inst.user + "@localhost"],
                           body.replace(b"\n", b"\r\n"))
                return True
        except (smtplib.SMTPException, OSError):
            return False


def killer(inst, done, kills, rng):
    while not done.is_set():
        time.sleep(rng.uniform(0.02, 0.3))
        victim = rng.choice(VICTIMS)
        pids = children(inst.master.pid, victim)
        if not pids:
            continue
        pid = rng.choice(pids)
        try:
            os.kill(pid, signal.SIGKILL)
            kills[victim] += 1
        except ProcessLookupError:
            pass


def delivered_subjects(inst):
    counts = collections.Counter()
    for raw in inst.messages():
        for s in header(raw, "Subject"):
            counts[s] += 1
    return counts


def main():
    seed = int(os.environ.get("POSTERN_DURABILITY_SEED", str(int(time.time()))))
    rng = random.Random(seed)
    params = {
        "minimal_backoff_time": "2s",
        "maximal_backoff_time": "4s",
        "queue_run_delay": "2s",
        "service_throttle_time": "4s",
    }
    with MailInstance(BIN, params=params) as inst:
        inst.start()
        sender = Sender(inst)
        kills = collections.Counter()
        done = threading.Event()
        threads = [threading.Thread(target=sender.run) for _ in range(SENDERS)]
        kill_thread = threading.Thread(target=killer, args=(inst, done, kills, rng))
        started = time.monotonic()
        kill_thread.start()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        send_time = time.monotonic() - started
        # Keep killing, with a trickle of mail so that every daemon has work,
        # until each was killed a few times (bounded: 20 s more).
        stop_trickle = threading.Event()
        trickle = threading.Thread(target=sender.trickle, args=(stop_trickle,))
        trickle.start()
        wait_for(lambda: all(kills[v] >= 3 for v in VICTIMS), 20, step=0.2)
        stop_trickle.set()
        trickle.join()
        done.set()
        kill_thread.join()

        def all_there():
            wake(inst, "pickup")
            wake(inst, "qmgr")
            got = delivered_subjects(inst)
            return all(got[s] > 0 for s in sender.accepted)

        wait_for(all_there, 120, step=1.0)
        got = delivered_subjects(inst)
        lost = sorted(s for s in sender.accepted if got[s] == 0)
        duplicates = sum(c - 1 for s, c in got.items() if s.startswith("dur-") and c > 1)
        unexpected = sum(1 for s in got if s.startswith("dur-") and s not in sender.accepted)
        print("durability: seed %d, %d submitted %s in %.1fs, %d accepted (%s), %d refused"
              % (seed, sender.next, "over SMTP" if USE_SMTP else "with sendmail", send_time,
                 len(sender.accepted), "250 after DATA" if USE_SMTP else "sendmail exit 0",
                 sender.refused))
        print("durability: kill -9 (while sending and draining): cleanup %d, qmgr %d, local %d"
              % (kills["cleanup"], kills["qmgr"], kills["local"]))
        print("durability: delivered %d distinct, %d duplicates, %d lost, %d delivered without acceptance"
              % (sum(1 for s in got if s.startswith("dur-")), duplicates, len(lost), unexpected))
        queued = {q: len(inst.queue_files(q))
                  for q in ("maildrop", "incoming", "active", "deferred", "corrupt")}
        print("durability: queue files left (duplicates still to come, or corrupt): %s" % queued)
        left = [os.path.relpath(p, inst.queue) for q in ("incoming", "active", "deferred", "corrupt")
                for p in inst.queue_files(q)]
        if left:
            print("durability: left: %s" % left[:10])
        failed = False
        if lost:
            print("FAIL lost: %s" % lost[:20])
            print(inst._tail(40))
            failed = True
        if sender.next < min(N, 50):
            print("FAIL only %d of %d submitted within %.0fs" % (sender.next, N, SEND_SECONDS))
            failed = True
        if not all(kills[v] >= 1 for v in VICTIMS):
            print("FAIL not every daemon was killed at least once: %s" % dict(kills))
            failed = True
        inst.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
