#!/usr/bin/env python3
"""smtpd's DATA-stage policy on a started instance (smtpd -> cleanup ->
qmgr -> local).

Checks: smtpd_data_restrictions refuse DATA before the 354 reply (the
client never sends content, the envelope stays: RSET works and the next
message goes through); a HOLD from smtpd_end_of_data_restrictions puts
the committed message into hold/ (cleanup's finish with the hold flag)
and it is not delivered, while another message of the same session is.

usage: test_data_stage.py BIN_DIR SRC_DIR
"""
import os
import re
import smtplib
import socket
import sys
import time

BIN = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])
sys.path.insert(0, os.path.join(SRC, "tests", "integration", "mail_path"))
from mail_instance import MailInstance, header, wait_for  # noqa: E402

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


def subjects(inst):
    return [header(m, "Subject")[0] for m in inst.messages() if header(m, "Subject")]


def read_reply(f):
    lines = []
    while True:
        line = f.readline()
        if not line:
            return lines
        lines.append(line.decode("latin-1").rstrip("\r\n"))
        if line[3:4] != b"-":
            return lines


def test_data_refused_before_354(inst):
    user = inst.user
    with socket.create_connection(("127.0.0.1", inst.port("smtp")), timeout=30) as s:
        f = s.makefile("rb")
        read_reply(f)
        for cmd in ("EHLO raw.example", "MAIL FROM:<datareject@example.org>",
                    "RCPT TO:<%s@localhost>" % user):
            s.sendall(cmd.encode() + b"\r\n")
            last = read_reply(f)[-1]
            check(last.startswith("250"), "%s: %s" % (cmd, last))
        s.sendall(b"DATA\r\n")
        reply = read_reply(f)
        check(reply and reply[-1].startswith("554 5.7.1") and not any(l.startswith("354") for l in reply),
              "DATA refused before 354: %r" % reply)
        s.sendall(b"RSET\r\n")
        check(read_reply(f)[-1].startswith("250"), "RSET after the refusal")
        s.sendall(b"MAIL FROM:<fine@example.org>\r\n")
        read_reply(f)
        s.sendall(("RCPT TO:<%s@localhost>\r\n" % user).encode())
        read_reply(f)
        s.sendall(b"DATA\r\n")
        check(read_reply(f)[-1].startswith("354"), "another sender gets 354")
        s.sendall(b"Subject: after data refusal\r\n\r\nx\r\n.\r\n")
        check(read_reply(f)[-1].startswith("250 2.0.0 Ok: queued as"), "and is queued")
        s.sendall(b"QUIT\r\n")
        read_reply(f)
    check(wait_for(lambda: "after data refusal" in subjects(inst), 30, step=0.1),
          "the accepted message is delivered")
    check(re.search(r"NOQUEUE: reject: DATA from localhost\[127\.0\.0\.1\]: 554 5\.7\.1 ",
                    inst.log_text()) is not None
          or re.search(r"\w+: reject: DATA from localhost\[127\.0\.0\.1\]: 554 5\.7\.1 ",
                       inst.log_text()) is not None, "the DATA refusal is logged")


def test_hold_at_end_of_data(inst):
    user = inst.user
    with smtplib.SMTP("127.0.0.1", inst.port("smtp"), timeout=30) as s:
        s.ehlo("hold.example")
        s.mail("holdme@example.org")
        s.rcpt(user + "@localhost")
        code, text = s.data(b"Subject: held at end\r\n\r\nx\r\n")
        m = re.match(rb"2\.0\.0 Ok: queued as (\w+)$", text)
        check(code == 250 and m is not None, "HOLD at end of data: 250 (%d %s)" % (code, text))
        qid = m.group(1).decode() if m else "NONE"
        s.mail("fine@example.org")
        s.rcpt(user + "@localhost")
        code, _ = s.data(b"Subject: not held\r\n\r\nx\r\n")
        check(code == 250, "the next message of the session is accepted")
    held = wait_for(lambda: [p for p in inst.queue_files("hold") if p.endswith(qid)], 10, step=0.1)
    check(bool(held), "the message is in hold/ (%s)" % qid)
    check(wait_for(lambda: "not held" in subjects(inst), 30, step=0.1), "the other message is delivered")
    time.sleep(1)
    check("held at end" not in subjects(inst), "the held message is not delivered")
    check("HOLD at end of data not applied" not in inst.log_text(), "no 'not applied' warning")


def main():
    required = ("master", "postern", "qmgr", "local", "cleanup", "smtpd")
    missing = [p for p in required if not os.access(os.path.join(BIN, p), os.X_OK)]
    if missing:
        print("data_stage: missing programs %s" % missing)
        return 1
    params = {
        "smtpd_data_restrictions":
            "check_sender_access inline:{ {datareject@example.org = REJECT no data for you} }",
        "smtpd_end_of_data_restrictions":
            "check_sender_access inline:{ {holdme@example.org = HOLD held at end} }",
    }
    with MailInstance(BIN, src_dir=SRC, params=params) as inst:
        inst.start()
        test_data_refused_before_354(inst)
        test_hold_at_end_of_data(inst)
        if failures:
            print(inst._tail(60))
        inst.stop()
    print("data_stage: %d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
