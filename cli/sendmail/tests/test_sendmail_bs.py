#!/usr/bin/env python3
"""sendmail -bs on a started instance: SMTP on standard input and output,
driven through pipes.

Checks: a step-by-step session (banner, EHLO with PIPELINING, MAIL, RCPT,
DATA with dot-stuffed lines and a lone-dot end, 250 Ok: queued as ID,
QUIT 221, exit status 0) whose message reaches the user's Maildir with the
exact body, a Received: header naming localhost and one naming the userid
(pickup); the log lines "connect from localhost[127.0.0.1]", "uid=N
from=<...>" and "disconnect from"; a whole session written at once
(pipelining) with its replies in order (501 for a bad address); end
of input in the middle of DATA queues nothing; RSET drops a transaction.
Also plain sendmail -> pickup: a message cleanup refuses for good (over
message_size_limit) is returned to its sender as a non-delivery notice
(nothing left in maildrop/ or corrupt/).

usage: test_sendmail_bs.py BIN_DIR SRC_DIR
"""
import os
import re
import subprocess
import sys

BIN = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])
sys.path.insert(0, os.path.join(SRC, "tests", "integration", "mail_path"))
from mail_instance import MailInstance, header, parse, wait_for  # noqa: E402

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


def start_bs(inst):
    return subprocess.Popen([os.path.join(BIN, "sendmail"), "-C", inst.conf, "-bs"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=inst.env())


def reply(proc):
    """One whole (possibly multi-line) reply: (code, [lines])."""
    lines = []
    while True:
        line = proc.stdout.readline()
        if not line:
            return None, lines
        lines.append(line.decode("latin-1"))
        if len(line) < 4 or line[3:4] != b"-":
            return int(line[:3]), lines


def say(proc, text):
    proc.stdin.write(text.encode() + b"\r\n")
    proc.stdin.flush()


def by_subject(inst, subject):
    return [m for m in inst.messages() if header(m, "Subject") == [subject]]


def test_step_by_step(inst):
    user = inst.user
    proc = start_bs(inst)
    code, lines = reply(proc)
    check(code == 220 and "ESMTP" in lines[0], "banner 220: %r" % lines)
    say(proc, "EHLO client.example")
    code, lines = reply(proc)
    check(code == 250 and any("PIPELINING" in l for l in lines), "EHLO 250 with PIPELINING")
    say(proc, "MAIL FROM:<bs-sender@example.org>")
    check(reply(proc)[0] == 250, "MAIL 250")
    say(proc, "RCPT TO:<%s@localhost>" % user)
    check(reply(proc)[0] == 250, "RCPT 250")
    say(proc, "DATA")
    check(reply(proc)[0] == 354, "DATA 354")
    for line in ("Subject: bs step", "", "first", "..leading dot", "...", "last"):
        say(proc, line)
    say(proc, ".")
    code, lines = reply(proc)
    m = re.match(r"250 2\.0\.0 Ok: queued as (\w+)", lines[0] if lines else "")
    check(m is not None, "end of data 250 2.0.0 Ok: queued as ID: %r" % lines)
    say(proc, "QUIT")
    code, lines = reply(proc)
    check(code == 221, "QUIT 221: %r" % lines)
    proc.stdin.close()
    rest = proc.stdout.read()
    check(proc.wait(timeout=30) == 0 and rest == b"", "sendmail -bs exits 0 after QUIT")
    proc.stdout.close()
    proc.stderr.close()
    got = wait_for(lambda: by_subject(inst, "bs step"), 30, step=0.1) or []
    if not check(len(got) == 1, "the message reached %s's Maildir" % user):
        return
    items, body = parse(got[0])
    check(body == b"first\n.leading dot\n..\nlast\n", "body with dots unstuffed: %r" % body)
    received = [v for k, v in items if k.lower() == "received"]
    check(any(re.search(r"from client\.example \(localhost \[127\.0\.0\.1\]\)", r)
              for r in received), "Received: from client.example (localhost [127.0.0.1])")
    check(any(re.search(r"\(Postern, from userid %d\)" % os.getuid(), r) for r in received),
          "Received: ... (Postern, from userid %d) from pickup" % os.getuid())
    check(header(got[0], "Return-Path") == ["<bs-sender@example.org>"], "Return-Path is the MAIL FROM")
    check(inst.wait_for_log(r"smtpd\[\d+\]: connect from localhost\[127\.0\.0\.1\]") is not None,
          "log: connect from localhost[127.0.0.1]")
    check(inst.wait_for_log(r"pickup\[\d+\]: \w+: uid=%d from=<bs-sender@example\.org>"
                            % os.getuid()) is not None, "log: uid=%d from=<bs-sender@...>" % os.getuid())
    check(inst.wait_for_log(r"disconnect from localhost\[127\.0\.0\.1\] ehlo=1 mail=1 rcpt=1 "
                            r"data=1 quit=1 commands=5") is not None, "log: disconnect with counts")


def test_pipelined(inst):
    user = inst.user
    session = ("EHLO pipe.example\r\nMAIL FROM:<pipe@example.org>\r\n"
               "RCPT TO:<%s@localhost>\r\nRCPT TO:<bad address>\r\nDATA\r\n"
               "Subject: bs pipelined\r\n\r\n..\r\nbody\r\n.\r\n"
               "MAIL FROM:<x@example.org>\r\nRSET\r\nNOOP\r\nQUIT\r\n" % user)
    proc = start_bs(inst)
    out, err = proc.communicate(session.encode(), timeout=60)
    codes = [int(l[:3]) for l in out.decode("latin-1").split("\r\n")
             if len(l) >= 4 and l[3] == " "]
    check(codes == [220, 250, 250, 250, 501, 354, 250, 250, 250, 250, 221],
          "pipelined session replies in order: %r" % codes)
    check(proc.returncode == 0, "pipelined session exit 0")
    got = wait_for(lambda: by_subject(inst, "bs pipelined"), 30, step=0.1) or []
    if check(len(got) == 1, "pipelined message delivered once"):
        check(parse(got[0])[1] == b".\nbody\n", "pipelined body: %r" % parse(got[0])[1])


def test_eof_in_data(inst):
    before = len(inst.queue_files("maildrop")) + len(inst.messages())
    session = ("HELO eof.example\r\nMAIL FROM:<eof@example.org>\r\n"
               "RCPT TO:<%s@localhost>\r\nDATA\r\nSubject: bs eof\r\n\r\nno end\r\n" % inst.user)
    proc = start_bs(inst)
    out, err = proc.communicate(session.encode(), timeout=60)
    check(b"354 " in out and b"queued" not in out, "end of input inside DATA: no 250")
    check(inst.wait_for_log(r"lost connection after DATA from localhost\[127\.0\.0\.1\]") is not None,
          "log: lost connection after DATA")
    check(not by_subject(inst, "bs eof")
          and len(inst.queue_files("maildrop")) + len(inst.messages()) == before,
          "nothing queued for the unfinished message")
    tmp = [f for f in os.listdir(os.path.join(inst.queue, "maildrop")) if f.startswith("tmp")]
    check(tmp == [], "no temporary file left in maildrop/")


def test_oversized_returned(inst):
    user = inst.user
    big = b"Subject: too big\n\n" + (b"x" * 70 + b"\n") * 400
    inst.send(["-i", "-f", user + "@localhost", user + "@localhost"], big)
    notices = wait_for(lambda: [m for m in inst.messages()
                                if header(m, "Subject") == ["Undelivered Mail Returned to Sender"]],
                       30, step=0.1) or []
    if check(len(notices) == 1, "an oversized sendmail message is returned to its sender"):
        check(b"5.3.4" in notices[0] and b"Subject: too big" in notices[0],
              "the notice has status 5.3.4 and the original headers")
    check(inst.wait_for_log(r"pickup\[\d+\]: \w+: sender non-delivery notification: \w+")
          is not None, "log: pickup's sender non-delivery notification")
    check(not inst.queue_files("maildrop") and not inst.queue_files("corrupt"),
          "nothing left in maildrop/ or corrupt/")


def main():
    required = ("master", "postern", "qmgr", "local", "cleanup", "pickup", "sendmail", "postalias")
    missing = [p for p in required if not os.access(os.path.join(BIN, p), os.X_OK)]
    if missing:
        print("sendmail_bs: missing programs %s" % missing)
        return 1
    with MailInstance(BIN, src_dir=SRC, params={"message_size_limit": "20000"}) as inst:
        inst.start()
        test_step_by_step(inst)
        test_pipelined(inst)
        test_eof_in_data(inst)
        test_oversized_returned(inst)
        if failures:
            print(inst._tail(40))
        inst.stop()
    print("sendmail_bs: %d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
